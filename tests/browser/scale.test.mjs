// At 1,000 models the page stays a page: GPUs by layout shape with counts (each opened on
// demand), long tables drawing only the rows in view. Timings are in bench.mjs, not here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { withSiteAndBrowser, generated, settledCount, upload, solvedForInputs, openPage } from "./harness.mjs";

let site, browser;
withSiteAndBrowser((s, b) => ([site, browser] = [s, b]));

test("a 1,000-model plan shows its GPUs by layout shape with counts, and each shape opens", async () => {
  const files = await generated(1000, 1);
  const { context, page, errors } = await openPage(browser, site);
  await page.goto(site.url);
  await settledCount(page);
  await upload(page, files);
  await page.waitForFunction(() => /\(1000 rows\)/.test(document.body.textContent), null, { timeout: 60000 });
  await page.click("[data-testid=solve]");
  await solvedForInputs(page, 300000);
  const count = Number(await page.textContent("[data-testid=gpu-count]"));
  // Every GPU is counted once in its shape's "× n", and the shapes are few.
  const shapes = await page.$$eval("[data-testid=plan-gpus] > [data-testid=shape] > .gpu-wrap > [data-testid=gpu] .gpu-count",
    (els) => els.map((e) => Number(e.textContent.replace("×", ""))));
  assert.equal(shapes.reduce((a, b) => a + b, 0), count);
  assert.ok(shapes.length < 60, `${shapes.length} shapes drawn for ${count} GPUs`);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  assert.ok(height < 12000, `the page is ${height} px tall`);
  // A shape with several model mixes opens them, a page at a time, each with its count.
  const open = page.locator("[data-testid=open-shape]").first();
  const [, gpus, mixes] = (await open.textContent()).match(/(\d+) GPUs, (\d+) model mixes/).map(Number);
  await open.click();
  assert.equal(await open.getAttribute("aria-expanded"), "true");
  const shape = page.locator("[data-testid=shape]").filter({ has: open });
  const drawn = await shape.locator(".shape-configs [data-testid=gpu] .gpu-count").allTextContents();
  assert.equal(drawn.length, Math.min(mixes, 40));
  if (mixes <= 40) assert.equal(drawn.map((t) => Number(t.replace("×", ""))).reduce((a, b) => a + b, 0), gpus);
  // The tables draw a screenful of their 1,000 rows; scrolled to the end, the last model shows.
  const workloadRows = await page.locator("table.workload tbody tr:not(.spacer)").count();
  assert.ok(workloadRows > 5 && workloadRows < 60, `${workloadRows} workload rows drawn`);
  const modelRows = await page.locator("table.models tbody tr:not(.spacer)").count();
  assert.ok(modelRows > 5 && modelRows < 60, `${modelRows} model rows drawn`);
  const last = (await readFile(files.workload, "utf8")).trim().split("\n").at(-1).split(",")[0];
  await page.$eval("[data-testid=workload-table]", (e) => { e.scrollTop = e.scrollHeight; });
  await page.waitForFunction((last) => [...document.querySelectorAll("table.workload tbody input")].some((i) => i.value === last), last);
  assert.deepEqual(errors, []);
  await context.close();
});
