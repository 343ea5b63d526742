// The web app end to end in headless Chromium, against the native CLI as the reference.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFile, mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { serve, launch, generated, cliPlan, settledCount, root, upload, solvedForInputs, movePlanned } from "./harness.mjs";

let site, browser;
before(async () => {
  site = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  site?.close();
});

async function freshPage(viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("request", (r) => {
    if (!r.url().startsWith(site.url) && !r.url().startsWith("blob:") && !r.url().startsWith("data:")) errors.push(`request left the page: ${r.url()}`);
  });
  return { context, page, errors };
}

test("a first visit plans the bundled example and draws every GPU", async () => {
  const { context, page, errors } = await freshPage();
  await page.goto(site.url);
  const count = await settledCount(page);
  const example = path.join(root, "static/examples");
  const reference = cliPlan(path.join(example, "a100-40gb-profiles.csv"), path.join(example, "a100-40gb-workload.csv"));
  assert.equal(count, reference.gpu_count);
  const pictures = await page.$$("[data-testid=plan-gpus] [data-testid=gpu]");
  assert.ok(pictures.length >= 1 && pictures.length <= count, `${pictures.length} pictures for ${count} GPUs`);
  const drawn = await page.$$eval("[data-testid=plan-gpus] .instance", (els) => els.length);
  assert.ok(drawn >= pictures.length);
  assert.match(await page.textContent("[data-testid=bound]"), /proven optimal|lower bound/);
  assert.deepEqual(errors, []);
  await mkdir(path.join(root, "target/screenshots"), { recursive: true });
  await page.screenshot({ path: path.join(root, "target/screenshots/desktop-1280x800.png"), fullPage: false });
  await context.close();
});

test("the phone layout shows the plan too", async () => {
  const { context, page, errors } = await freshPage({ width: 390, height: 844 });
  await page.goto(site.url);
  assert.ok((await settledCount(page)) > 0);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`);
  await page.screenshot({ path: path.join(root, "target/screenshots/phone-390x844.png"), fullPage: false });
  assert.deepEqual(errors, []);
  await context.close();
});

test("uploaded CSVs give the GPU count the CLI gives", async () => {
  const files = await generated(24, 7);
  const { context, page, errors } = await freshPage();
  await page.goto(site.url);
  await settledCount(page);
  await upload(page, files);
  await page.waitForFunction(() => document.querySelector(".stale"));
  await page.click("[data-testid=solve]");
  await solvedForInputs(page);
  const count = await settledCount(page);
  assert.equal(count, cliPlan(files.profiles, files.workload).gpu_count);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a long solve streams progress, and cancel keeps the best plan", async () => {
  const files = await generated(300, 3);
  const { context, page, errors } = await freshPage();
  await page.goto(site.url);
  await settledCount(page);
  await upload(page, files);
  await page.selectOption("[data-testid=solver-select]", "mig-serving");
  await page.fill("[data-testid=time-limit]", "300");
  await page.click("[data-testid=solve]");
  await page.waitForFunction(() => /solving/.test(document.querySelector("[data-testid=status]").textContent));
  assert.ok(await page.isVisible(".stale"), "the previous plan is marked as such while solving");
  // Progress: a plan for these inputs is drawn while the worker keeps searching.
  await page.waitForFunction(() => !document.querySelector(".stale"), null, { timeout: 60000 });
  assert.ok(await page.isEnabled("[data-testid=cancel]"), "still solving");
  const during = Number(await page.textContent("[data-testid=gpu-count]"));
  await page.waitForTimeout(1500);
  await page.click("[data-testid=cancel]");
  await page.waitForFunction(() => /cancelled/.test(document.querySelector("[data-testid=status]").textContent));
  assert.match(await page.textContent("[data-testid=status]"), /kept the best plan found/);
  const kept = Number(await page.textContent("[data-testid=gpu-count]"));
  assert.ok(kept > 0 && kept <= during, `kept ${kept}, saw ${during}`);
  assert.ok(await page.isEnabled("[data-testid=solve]"));
  assert.ok(await page.isDisabled("[data-testid=cancel]"));
  assert.deepEqual(errors, []);
  await context.close();
});

test("a reload keeps the inputs and the plan", async () => {
  const { context, page, errors } = await freshPage();
  await page.goto(site.url);
  await settledCount(page);
  const rate = page.locator("table.workload tbody tr").first().locator("input").nth(1);
  await rate.fill("1234");
  await page.selectOption("[data-testid=gpu-select]", "a100-40gb");
  await page.fill("[data-testid=seed]", "42");
  await page.reload();
  await page.waitForSelector("[data-testid=gpu-count]");
  assert.equal(await page.locator("table.workload tbody tr").first().locator("input").nth(1).inputValue(), "1234");
  assert.equal(await page.inputValue("[data-testid=seed]"), "42");
  // The plan from before the edit is still there, marked out of date.
  assert.ok(await page.isVisible(".stale"));
  assert.deepEqual(errors, []);
  await context.close();
});

test("a malformed CSV is reported with its line and column", async () => {
  const { context, page, errors } = await freshPage();
  await page.goto(site.url);
  await settledCount(page);
  const bad = path.join((await generated(3, 1)).dir, "broken-workload.csv");
  await writeFile(bad, "model,rate,slo_ms\nsynthetic-000,100,50\nsynthetic-001,fast,50\n");
  await page.setInputFiles("[data-testid=workload-input]", bad);
  await page.waitForSelector("[data-testid=input-error]");
  const text = await page.textContent("[data-testid=input-error]");
  assert.match(text, /broken-workload\.csv, line 3, column rate/);
  // What the user uploaded is kept, bad value included.
  assert.equal(await page.locator("table.workload tbody tr").nth(1).locator("input").nth(1).inputValue(), "fast");
  assert.deepEqual(errors, []);
  await context.close();
});

test("after one visit the planner works offline", async () => {
  const { context, page, errors } = await freshPage();
  await page.goto(site.url);
  await settledCount(page);
  await page.waitForFunction(() => document.documentElement.dataset.offlineReady === "true", null, { timeout: 30000 });
  await context.setOffline(true);
  await page.reload();
  await page.click("[data-testid=solve]");
  assert.ok((await settledCount(page)) > 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test("same solver and seed give the plan the native CLI gives (wasm32 = native)", async () => {
  const files = await generated(24, 5);
  const { context, page, errors } = await freshPage();
  await page.goto(site.url);
  await settledCount(page);
  await upload(page, files);
  await page.selectOption("[data-testid=solver-select]", "ga");
  await page.fill("[data-testid=seed]", "5");
  await page.click("[data-testid=solve]");
  await solvedForInputs(page);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=download-json]")]);
  const browserPlan = JSON.parse(await (await import("node:fs/promises")).readFile(await download.path(), "utf8"));
  const nativePlan = cliPlan(files.profiles, files.workload, "--solver", "ga", "--seed", "5");
  // The GA stops when it meets the bound, after the same number of generations on both.
  assert.equal(nativePlan.solver.termination, "optimal");
  assert.deepEqual(browserPlan.gpus, nativePlan.gpus);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a changed workload gets a move from the running plan, step by step", async () => {
  const { context, page, errors } = await freshPage();
  await page.goto(site.url);
  const running = await settledCount(page);
  // The first model's demand triples: the plan above is now the running plan.
  const rate = page.locator("table.workload tbody tr").first().locator("input").nth(1);
  await rate.fill(String(Number(await rate.inputValue()) * 3));
  await page.fill("[data-testid=spare]", "4");
  await page.click("[data-testid=plan-move]");
  await movePlanned(page);
  const summary = await page.textContent("[data-testid=move-summary]");
  const [, from, to, steps] = summary.match(/(\d+) → (\d+) GPUs in (\d+) steps/).map(Number);
  assert.equal(from, running);
  assert.ok(to >= from && steps >= 1, summary);
  assert.match(summary, /Drain and rebuild: \d+ created/);
  const items = page.locator("[data-testid=move] ol.steps > li");
  assert.equal(await items.count(), steps);
  await items.last().click();
  assert.ok((await page.locator("[data-testid=move-gpus] [data-testid=gpu]").count()) >= 1);
  await items.nth(Math.min(1, steps - 1)).click();
  await page.locator("[data-testid=move]").screenshot({ path: path.join(root, "target/screenshots/move-1280.png") });
  // Every capacity chip shows the model at or above its floor.
  const chips = await page.$$eval("[data-testid=move] .chip", (els) => els.map((e) => e.textContent.match(/ (\d+)\/(\d+)$/)).filter(Boolean).map((m) => [Number(m[1]), Number(m[2])]));
  assert.ok(chips.length > 0);
  for (const [have, floor] of chips) assert.ok(have >= floor - 1, `${have} < ${floor}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test("planning a move streams progress, and cancel keeps the best move so far", async () => {
  const files = await generated(300, 3);
  const { context, page, errors } = await freshPage();
  await page.goto(site.url);
  await settledCount(page);
  await upload(page, files);
  await page.click("[data-testid=solve]");
  await solvedForInputs(page);
  const running = Number(await page.textContent("[data-testid=gpu-count]"));
  // Demand grows by 30%: the move must be planned, with a solver that keeps searching.
  const grown = path.join(files.dir, "grown-workload.csv");
  const lines = (await readFile(files.workload, "utf8")).trim().split("\n");
  await writeFile(grown, [lines[0], ...lines.slice(1).map((l) => {
    const [model, rate, slo] = l.split(",");
    return `${model},${Math.round(Number(rate) * 1.3)},${slo}`;
  })].join("\n") + "\n");
  await page.setInputFiles("[data-testid=workload-input]", grown);
  await page.selectOption("[data-testid=solver-select]", "mig-serving");
  await page.fill("[data-testid=time-limit]", "300");
  await page.fill("[data-testid=spare]", "10");
  await page.click("[data-testid=plan-move]");
  // Progress: the status runs, and a move to a plan of the new demand is drawn while it does.
  await page.waitForFunction(() => /planning the move/.test(document.querySelector("[data-testid=move-status]")?.textContent ?? ""));
  await page.waitForSelector("[data-testid=move-summary]", { timeout: 60000 });
  assert.ok(await page.isEnabled("[data-testid=cancel-move]"), "still planning");
  const during = await page.textContent("[data-testid=move-summary]");
  await page.click("[data-testid=cancel-move]");
  await page.waitForFunction(() => /cancelled/.test(document.querySelector("[data-testid=move-status]").textContent));
  assert.match(await page.textContent("[data-testid=move-status]"), /kept the best move found/);
  const kept = await page.textContent("[data-testid=move-summary]");
  const [, from, to, steps] = kept.match(/(\d+) → (\d+) GPUs in (\d+) steps/).map(Number);
  assert.equal(from, running);
  assert.ok(to >= running && steps >= 1, kept);
  assert.ok(kept.length > 0 && during.length > 0);
  assert.ok(await page.isDisabled("[data-testid=cancel-move]"));
  assert.ok(await page.isEnabled("[data-testid=plan-move]"));
  assert.deepEqual(errors, []);
  await context.close();
});
