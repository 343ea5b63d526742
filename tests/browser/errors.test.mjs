// Input problems read as one line per cause, with the count and the likely cause; the bad cell
// is marked; a wrong header or a thousands separator is said as such.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { withSiteAndBrowser, settledCount, openPage, rateCell } from "./harness.mjs";

let site, browser;
withSiteAndBrowser((s, b) => ([site, browser] = [s, b]));

async function file(name, text) {
  const f = path.join(await mkdtemp(path.join(tmpdir(), "migplan-errors-")), name);
  await writeFile(f, text);
  return f;
}

test("A100-40GB profiles planned on an A100-80GB are one line with the count and a switch to A100-40GB", async () => {
  const { context, page, errors } = await openPage(browser, site);
  await page.goto(site.url);
  await settledCount(page);
  await page.selectOption("[data-testid=gpu-select]", "a100-80gb");
  await page.click("[data-testid=solve]");
  await page.waitForSelector("[data-testid=input-error]");
  const groups = page.locator("[data-testid=error-group]");
  assert.equal(await groups.count(), 1, await page.textContent("[data-testid=input-error]"));
  const count = Number(await groups.first().getAttribute("data-count"));
  assert.ok(count > 1, `one line stands for ${count} problems`);
  assert.match(await page.textContent("[data-testid=input-error] strong"), new RegExp(`^${count} problems in the inputs, 1 cause$`));
  const line = await groups.first().textContent();
  assert.match(line, new RegExp(`and ${count - 1} more like it`));
  assert.match(line, /Likely cause: these profiles are A100-40GB's, not the chosen GPU's: switch GPU\?/);
  assert.equal((line.match(/these profiles are/g) ?? []).length, 1, "the cause is said once");
  await page.click("[data-testid=switch-gpu]");
  assert.equal(await page.inputValue("[data-testid=gpu-select]"), "a100-40gb");
  await page.click("[data-testid=solve]");
  assert.ok((await settledCount(page)) > 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a workload with a wrong header is not called JSON, and the header problem is named", async () => {
  const { context, page, errors } = await openPage(browser, site);
  await page.goto(site.url);
  await settledCount(page);
  await page.setInputFiles("[data-testid=workload-input]", await file("renamed.csv", "name,rate,slo\nresnet50,100,50\n"));
  await page.waitForSelector("[data-testid=input-error]");
  const said = await page.textContent("[data-testid=no-table]");
  assert.doesNotMatch(said, /JSON/);
  assert.match(said, /columns model, rate, slo_ms/);
  assert.match(await page.textContent("[data-testid=input-error]"), /renamed\.csv, line 1/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("2,500 is refused clearly, typed or uploaded, and the bad cell is marked", async () => {
  const { context, page, errors } = await openPage(browser, site);
  await page.goto(site.url);
  await settledCount(page);
  await rateCell(page, 1).fill("2,500");
  await page.waitForSelector("[data-testid=input-error]");
  const text = await page.textContent("[data-testid=input-error]");
  assert.match(text, /line 3, column rate: `2,500` has a comma in it/);
  assert.match(text, /without thousands separators .*: 2500/);
  const cell = page.locator("table.workload tbody tr:not(.spacer)").nth(1).locator("td").nth(1);
  assert.match(await cell.getAttribute("class"), /\bbad\b/);
  assert.equal(await cell.locator("input").getAttribute("aria-invalid"), "true");
  assert.equal(await page.locator("table.workload td.bad").count(), 1, "only that cell is marked");
  // Unquoted in a file it splits the row: refused as a table, the likely cause named.
  await page.setInputFiles("[data-testid=workload-input]", await file("thousands.csv", "model,rate,slo_ms\nresnet50,2,500,100\n"));
  await page.waitForSelector("[data-testid=no-table]");
  assert.match(await page.textContent("[data-testid=no-table]"), /thousands separator such as 2,500/);
  assert.match(await page.textContent("[data-testid=input-error]"), /thousands\.csv, line 2: this row has 4 fields but the header has 3[\s\S]*write 2500/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a picture chosen as the workload is refused as not UTF-8 text, naming the file, and the workload stays", async () => {
  const { context, page, errors } = await openPage(browser, site);
  await page.goto(site.url);
  await settledCount(page);
  const before = await rateCell(page).inputValue();
  const png = path.join(await mkdtemp(path.join(tmpdir(), "migplan-errors-")), "chart.png");
  await writeFile(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe]));
  await page.setInputFiles("[data-testid=workload-input]", png);
  // Said with the inputs' problems, where the file was chosen.
  await page.waitForFunction(() => /chart\.png, line 1: byte 1 is not UTF-8 text/.test(document.querySelector("section.inputs [data-testid=input-error]")?.textContent));
  assert.equal(await rateCell(page).inputValue(), before, "the workload on the page is kept");
  assert.deepEqual(errors, []);
  await context.close();
});
