// The page says only what is so: a plan is marked out of date when the inputs changed during
// its solve, and its downloads and "Mark this plan deployed" say so too; the running plan is
// the one the user marked deployed; the progress chart draws both lines with their points and
// its time runs on; no warning from the worker's start.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { withSiteAndBrowser, generated, settledCount, solvedForInputs, movePlanned, openPage, rateCell, startSlowSolve } from "./harness.mjs";

let site, browser;
withSiteAndBrowser((s, b) => ([site, browser] = [s, b]));

test("a rate edited during a solve leaves the arriving plan marked out of date, with the old demand", async () => {
  const files = await generated(300, 3);
  const { context, page, errors } = await openPage(browser, site);
  await startSlowSolve(page, site, files, 3);
  await page.waitForFunction(() => /solving/.test(document.querySelector("[data-testid=status]").textContent));
  const model = await page.locator("table.workload tbody tr:not(.spacer)").first().locator("input").first().inputValue();
  const old = await rateCell(page).inputValue();
  await rateCell(page).fill("4321");
  await page.waitForFunction(() => !document.querySelector("[data-testid=solve]").disabled, null, { timeout: 60000 });
  assert.ok(await page.isVisible(".stale"), "the plan solved for the old rate is marked out of date");
  assert.match(await page.textContent(".stale"), /inputs changed/);
  const demand = await page.$$eval("table.models tbody tr", (rows, model) => {
    const row = rows.find((r) => r.cells[0].textContent.trim() === model);
    return row && Number(row.cells[1].textContent);
  }, model);
  assert.equal(demand, Number(old), "the plan's table shows the demand it was solved for");
  assert.deepEqual(errors, []);
  await context.close();
});

test("a plan left out of date by an edit and a cancel says so on every download and asks before it is marked deployed", async () => {
  const files = await generated(300, 3);
  const { context, page, errors } = await openPage(browser, site);
  const labels = () => page.$$eval("[data-testid=deploy] .downloads button, [data-testid=mark-deployed]",
    (buttons) => buttons.map((b) => b.textContent.trim()));
  const dialogs = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    return dialogs.length === 1 ? d.dismiss() : d.accept();
  });
  await startSlowSolve(page, site, files, 300);
  // A plan of this solve is on screen, then a rate is edited while it runs and the solve cancelled.
  await page.waitForFunction(() => document.querySelector("[data-testid=progress-chart] .best-line .point") && !document.querySelector(".stale"),
    null, { timeout: 60000 });
  await rateCell(page).fill(String(Number(await rateCell(page).inputValue()) * 2));
  await page.click("[data-testid=cancel]");
  await page.waitForFunction(() => /cancelled/.test(document.querySelector("[data-testid=status]").textContent));
  assert.match(await page.textContent(".stale"), /inputs changed/);
  const shown = Number(await page.textContent("[data-testid=gpu-count]"));
  const stale = await labels();
  assert.equal(stale.length, 7, JSON.stringify(stale));
  for (const label of stale) assert.match(label, /\(for the earlier inputs\)$/);
  assert.match(await page.textContent("[data-testid=downloads-lead]"), /earlier plan .*press Solve/);
  // The earlier plan still downloads, as itself.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=download-json]")]);
  assert.equal(JSON.parse(await readFile(await download.path(), "utf8")).gpu_count, shown);
  // Marking it deployed asks first: declined, nothing runs; accepted, it is the running plan.
  await page.click("[data-testid=mark-deployed]");
  assert.match(dialogs[0] ?? "", new RegExp(`This plan \\(${shown} GPUs\\) was made for earlier inputs`));
  assert.match(await page.textContent("[data-testid=running-plan]"), /none yet/);
  await page.click("[data-testid=mark-deployed]");
  await page.waitForFunction(() => /marked deployed/.test(document.querySelector("[data-testid=running-plan]").textContent));
  assert.equal(dialogs.length, 2);
  // Solved for the inputs now, the plan's buttons are plain again and marking it asks nothing.
  await page.fill("[data-testid=time-limit]", "2");
  await page.click("[data-testid=solve]");
  await solvedForInputs(page);
  assert.deepEqual((await labels()).filter((l) => /earlier/.test(l)), []);
  assert.equal(await page.textContent("[data-testid=downloads-lead]"), "Download the plan: ");
  await page.click("[data-testid=mark-deployed]");
  await page.waitForFunction(() => /This plan is the running plan/.test(document.querySelector("[data-testid=deployed-note]").textContent));
  assert.equal(dialogs.length, 2, "no question for a plan of the inputs now");
  assert.deepEqual(errors, []);
  await context.close();
});

test("the mouse wheel over the focused seed box does not change the seed", async () => {
  const { context, page, errors } = await openPage(browser, site);
  await page.goto(site.url);
  await settledCount(page);
  await page.focus("[data-testid=seed]");
  const before = await page.inputValue("[data-testid=seed]");
  const box = await page.locator("[data-testid=seed]").boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -100);
  await page.waitForTimeout(200);
  assert.equal(await page.inputValue("[data-testid=seed]"), before);
  assert.ok(!(await page.isVisible(".stale")), "the plan is still current");
  assert.deepEqual(errors, []);
  await context.close();
});

test("Solve, then Plan the move, moves from the deployed plan, not from the new one", async () => {
  const { context, page, errors } = await openPage(browser, site);
  await page.goto(site.url);
  const deployed = await settledCount(page);
  assert.ok(await page.isDisabled("[data-testid=plan-move]"), "no running plan before one is marked deployed");
  await page.click("[data-testid=mark-deployed]");
  assert.match(await page.textContent("[data-testid=running-plan]"), new RegExp(`^${deployed} GPUs, marked deployed on this page at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC`));
  await rateCell(page).fill(String(Number(await rateCell(page).inputValue()) * 3));
  await page.click("[data-testid=solve]");
  await solvedForInputs(page);
  assert.match(await page.textContent("[data-testid=running-plan]"), new RegExp(`^${deployed} GPUs`), "solving left the running plan alone");
  await page.click("[data-testid=plan-move]");
  await movePlanned(page);
  const [, from, to, steps] = (await page.textContent("[data-testid=move-summary]")).match(/(\d+) → (\d+) GPUs in (\d+) steps/).map(Number);
  assert.equal(from, deployed);
  assert.ok(to >= from && steps >= 1, `${from} → ${to} in ${steps} steps`);
  // A reload keeps the running plan.
  await page.reload();
  await page.waitForSelector("[data-testid=gpu-count]");
  assert.match(await page.textContent("[data-testid=running-plan]"), new RegExp(`^${deployed} GPUs, marked deployed`));
  assert.deepEqual(errors, []);
  await context.close();
});

test("the progress chart draws the best line and the bound with points, and the time runs on", async () => {
  const files = await generated(300, 3);
  const { context, page, errors } = await openPage(browser, site);
  await startSlowSolve(page, site, files, 300);
  await page.waitForSelector("[data-testid=progress-chart] .best-line .point", { timeout: 60000 });
  const elapsed = () => page.$eval("[data-testid=status]", (e) => Number(e.dataset.elapsedMs));
  const first = await elapsed();
  await page.waitForTimeout(1200);
  const later = await elapsed();
  assert.ok(later >= first + 900, `the status's time runs on between reports: ${first} then ${later} ms`);
  assert.match(await page.textContent("[data-testid=status]"), /solving: .*\(\d+\.\d s; best so far \d+ GPUs, found at/);
  await page.click("[data-testid=cancel]");
  await page.waitForFunction(() => /cancelled/.test(document.querySelector("[data-testid=status]").textContent));
  const lines = await page.$$eval("[data-testid=progress-chart] g", (gs) => Object.fromEntries(gs.map((g) => [
    g.getAttribute("class"), { length: g.querySelector("path").getTotalLength(), points: g.querySelectorAll(".point").length },
  ])));
  for (const line of ["best-line", "bound-line"]) {
    assert.ok(lines[line]?.points >= 1, `${line} has points: ${JSON.stringify(lines)}`);
    assert.ok(lines[line].length > 10, `${line} has length: ${JSON.stringify(lines)}`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test("the favicon is served and cached for offline use, and the worker starts without a warning", async () => {
  const { context, page, errors, warnings } = await openPage(browser, site);
  await page.goto(site.url);
  await settledCount(page);
  const icon = await page.$eval("link[rel=icon]", (l) => l.href);
  const response = await page.request.get(icon);
  assert.equal(response.status(), 200);
  assert.match(response.headers()["content-type"], /svg/);
  await page.waitForFunction(() => document.documentElement.dataset.offlineReady === "true", null, { timeout: 30000 });
  const cached = await page.evaluate(async (icon) => Boolean(await caches.match(icon, { ignoreSearch: true })), icon);
  assert.ok(cached, "the favicon is in the offline cache");
  assert.deepEqual(warnings.filter((w) => /deprecated/i.test(w)), []);
  assert.deepEqual(errors, []);
  await context.close();
});
