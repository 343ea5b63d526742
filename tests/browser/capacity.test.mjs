// The capacity panel on the bundled example: the comparison table and the growth chart,
// point by point against `migplan compare` and `migplan sweep`; and profiles files marked
// with the GPU they were measured on.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { readFile, writeFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { withSiteAndBrowser, cli, settledCount, root, openPage } from "./harness.mjs";

let site, browser;
withSiteAndBrowser((s, b) => ([site, browser] = [s, b]));

const example = path.join(root, "static/examples");
const inputs = ["--gpu", "a100-40gb", "--profiles", path.join(example, "a100-40gb-profiles.csv"),
  "--workload", path.join(example, "a100-40gb-workload.csv"), "--time-limit", "10"];

test("the growth chart and the comparison plot what the CLI prints", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(site.url);
  await settledCount(page);
  await page.fill("[data-testid=capacity-from]", "0.5");
  await page.fill("[data-testid=capacity-to]", "4");
  await page.fill("[data-testid=capacity-steps]", "8");
  await page.click("[data-testid=capacity-run]");
  await page.waitForSelector("[data-testid=growth-chart]", { timeout: 120000 });

  const plotted = await page.$$eval("[data-testid=growth-point]", (points) => points.map((p) => ({
    factor: Number(p.dataset.factor), gpus: Number(p.dataset.gpus), lower: Number(p.dataset.lower),
    whole: p.dataset.whole === "" ? null : Number(p.dataset.whole),
  })));
  const csv = cli("sweep", ...inputs, "--from", "0.5", "--to", "4", "--steps", "8").trim().split("\n");
  assert.equal(csv[0], "factor,gpus,lower_gpus,cost,lower_cost,whole_gpus,current_plan_suffices");
  const rows = csv.slice(1).map((line) => line.split(","));
  assert.equal(plotted.length, rows.length);
  rows.forEach((r, i) => {
    assert.ok(Math.abs(plotted[i].factor - Number(r[0])) < 1e-6, `factor ${i}: ${plotted[i].factor} vs ${r[0]}`);
    assert.equal(plotted[i].gpus, Number(r[1]), `GPUs at ×${r[0]}`);
    assert.equal(plotted[i].lower, Number(r[2]), `bound at ×${r[0]}`);
    assert.equal(plotted[i].whole, r[5] === "" ? null : Number(r[5]), `whole GPUs at ×${r[0]}`);
  });
  // Both lines are drawn through every point, and the mark sits where the CLI says the
  // measured demand's plan stops sufficing.
  const lines = await page.$$eval("[data-testid=growth-chart] polyline", (ls) => ls.map((l) => l.getAttribute("points").trim().split(/\s+/).length));
  assert.deepEqual(lines, [rows.filter((r) => r[5] !== "").length, rows.length]);
  const stops = rows.find((r) => r[6] === "false");
  const mark = await page.$("[data-testid=current-limit]");
  if (stops) {
    assert.ok(mark, "the chart marks where today's plan stops sufficing");
    assert.ok(Math.abs(Number(await mark.getAttribute("data-factor")) - Number(stops[0])) < 1e-6);
  } else {
    assert.equal(mark, null);
  }

  const compared = JSON.parse(cli("compare", ...inputs, "--format", "json"));
  const shown = await page.$$eval("[data-testid=compare-row]", (rs) => rs.map((r) => ({
    fleet: r.dataset.fleet, gpus: Number(r.dataset.gpus), cost: Number(r.dataset.cost),
    whole: r.dataset.whole === "" ? null : Number(r.dataset.whole),
  })));
  assert.deepEqual(shown, compared.map((c) => ({ fleet: c.fleet, gpus: c.gpus, cost: c.cost, whole: c.whole_gpus })));
  assert.deepEqual(errors, []);
  await context.close();
});

test("a GPU type whose price is not a number is an error in the panel, naming the price and the box", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(site.url);
  await settledCount(page);
  await page.fill("[data-testid=capacity-types]", "a100-40gb=cheap");
  await page.click("[data-testid=capacity-run]");
  const text = await (await page.waitForSelector("[data-testid=capacity-errors]", { timeout: 60000 })).textContent();
  // The settings table's words, as the command line's and the JS API's, naming the panel's box.
  assert.match(text, /GPU types: `cheap` is not a price; a price is a number at least 1e-6 and at most 1e9/);
  await context.close();
});

/** The example's rows with each profile by its short form (`3g`, which every GPU type has)
 * and `speedup` times the throughput; with `gpu`, a gpu column saying where they were measured. */
async function rowsMeasuredOn(speedup, gpu) {
  const lines = (await readFile(path.join(example, "a100-40gb-profiles.csv"), "utf8")).trim().split(/\r?\n/).filter((l) => !l.startsWith("#"));
  const header = gpu ? `${lines[0]},gpu` : lines[0];
  return [header, ...lines.slice(1).map((line) => {
    const f = line.split(",");
    f[1] = f[1].split(".")[0];
    f[4] = (Number(f[4]) * speedup).toFixed(2);
    return gpu ? [...f, gpu].join(",") : f.join(",");
  })].join("\n") + "\n";
}

/** The comparison's GPUs per fleet once the panel has answered anew. */
async function comparedGpus(page) {
  // The rows of an earlier answer, marked, so that only the new answer's rows count.
  await page.$$eval("[data-testid=compare-row]", (rs) => rs.forEach((r) => r.setAttribute("data-earlier", "")));
  await page.click("[data-testid=capacity-run]");
  await page.waitForSelector("[data-testid=compare-row]:not([data-earlier])", { timeout: 120000 });
  const rows = await page.$$eval("[data-testid=compare-row]", (rs) => rs.map((r) => [r.dataset.fleet, Number(r.dataset.gpus)]));
  return Object.fromEntries(rows);
}

test("files marked measured on an A100 and an H100 compare each type on its own rows, and the marks survive a reload", async () => {
  const { context, page, errors } = await openPage(browser, site, { width: 1280, height: 900 });
  await page.goto(site.url);
  await settledCount(page);
  const csv = (name, text) => ({ name, mimeType: "text/csv", buffer: Buffer.from(text) });
  await page.setInputFiles("[data-testid=profiles-input]", [csv("a100.csv", await rowsMeasuredOn(1)), csv("h100.csv", await rowsMeasuredOn(2))]);
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=profile-file]").length === 2);
  await page.fill("[data-testid=capacity-types]", "a100-40gb, h100-80gb");
  await page.fill("[data-testid=capacity-from]", "1");
  await page.fill("[data-testid=capacity-to]", "2");
  await page.fill("[data-testid=capacity-steps]", "2");

  // Unmarked, every row is every type's: the A100 is taken for as fast as the H100.
  const unmarked = await comparedGpus(page);
  assert.equal(unmarked["a100-40gb"], unmarked["h100-80gb"], JSON.stringify(unmarked));

  const files = page.locator("[data-testid=profile-file]");
  await files.nth(0).locator("[data-testid=file-measured-on]").selectOption("a100-40gb");
  await files.nth(1).locator("[data-testid=file-measured-on]").selectOption("h100-80gb");
  assert.match(await page.textContent("[data-testid=measured-elsewhere]"), /h100\.csv \(h100-80gb\)\. A plan for a100-40gb leaves their rows out/);
  const marked = await comparedGpus(page);
  assert.ok(marked["h100-80gb"] < marked["a100-40gb"], JSON.stringify(marked));
  assert.equal(marked["h100-80gb"], unmarked["h100-80gb"], "the H100 plans on its own rows either way");

  // As the CLI compares the same rows, each tagged in a gpu column.
  const dir = await mkdtemp(path.join(tmpdir(), "migplan-measured-"));
  const tagged = path.join(dir, "two.csv");
  await writeFile(tagged, await rowsMeasuredOn(1, "a100-40gb") + (await rowsMeasuredOn(2, "h100-80gb")).split("\n").slice(1).join("\n"));
  const compared = JSON.parse(cli("compare", "--gpu", "a100-40gb", "--gpu", "h100-80gb", "--profiles", tagged,
    "--workload", path.join(example, "a100-40gb-workload.csv"), "--time-limit", "10", "--format", "json"));
  for (const c of compared) assert.equal(marked[c.fleet], c.gpus, `${c.fleet}: page ${marked[c.fleet]}, CLI ${c.gpus}`);

  await page.waitForTimeout(500);
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=profile-file]").length === 2);
  assert.deepEqual(await page.locator("[data-testid=file-measured-on]").evaluateAll((s) => s.map((e) => e.value)), ["a100-40gb", "h100-80gb"]);
  await settledCount(page);
  await page.fill("[data-testid=capacity-types]", "a100-40gb, h100-80gb");
  await page.fill("[data-testid=capacity-steps]", "2");
  assert.deepEqual(await comparedGpus(page), marked);
  assert.deepEqual(errors, []);
  await context.close();
});
