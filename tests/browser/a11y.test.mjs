// Without a mouse and for assistive technology: an axe-core scan of the page with a plan and
// a move finds no serious or critical violation; upload → solve → deploy → move runs with the
// keyboard alone; the instance details show on focus; progress and results are announced.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { withSiteAndBrowser, generated, settledCount, solvedForInputs, movePlanned, openPage } from "./harness.mjs";

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
let site, browser;
withSiteAndBrowser((s, b) => ([site, browser] = [s, b]));

/** Presses Tab until `selector` has the focus; fails after `max` presses. */
async function tabTo(page, selector, max = 150) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
    await page.keyboard.press("Tab");
  }
  assert.fail(`Tab never reached ${selector}`);
}

/**
 * Tabs to the file input `selector`, opens it with Space and chooses `file`. A re-render may
 * take the focus between the Tab and the key (the page settles the share link after a
 * pause), so it tabs back and tries again, with the keyboard still.
 */
async function chooseWithKeyboard(page, selector, file) {
  for (let attempt = 1; ; attempt++) {
    await tabTo(page, selector);
    try {
      const [chooser] = await Promise.all([page.waitForEvent("filechooser", { timeout: 10000 }), page.keyboard.press("Space")]);
      return chooser.setFiles(file);
    } catch (e) {
      if (attempt === 3) throw e;
    }
  }
}

test("upload, solve, mark deployed, edit and plan the move with the keyboard alone", async () => {
  const files = await generated(24, 2);
  const { context, page, errors } = await openPage(browser, site);
  await page.goto(site.url);
  await settledCount(page);
  await page.evaluate(() => document.activeElement?.blur());
  await chooseWithKeyboard(page, "[data-testid=profiles-input]", files.profiles);
  await chooseWithKeyboard(page, "[data-testid=workload-input]", files.workload);
  await page.waitForFunction(() => /\(24 rows\)/.test(document.body.textContent));
  await tabTo(page, "[data-testid=solve]");
  await page.keyboard.press("Enter");
  await solvedForInputs(page);
  const deployed = Number(await page.textContent("[data-testid=gpu-count]"));
  assert.match(await page.textContent("[data-testid=status-live]"), /in \d+ ms/, "the result is announced");
  // An instance's details show when it has the focus.
  await tabTo(page, "[data-testid=plan-gpus] .instance");
  assert.match(await page.textContent("[data-testid=instance-details]"), /on \S+ at slot \d+: batch \d+, \d+ process(es)?, [\d.]+ req\/s|idle/);
  await tabTo(page, "[data-testid=mark-deployed]");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => /marked deployed/.test(document.querySelector("[data-testid=running-plan]").textContent));
  // The first model's demand goes up five times, typed into its rate cell.
  await tabTo(page, "table.workload input[aria-label^='rate of']");
  const old = Number(await page.evaluate(() => document.activeElement.value));
  await page.keyboard.press("Control+A");
  await page.keyboard.type(String(old * 5));
  await tabTo(page, "[data-testid=plan-move]");
  await page.keyboard.press("Enter");
  await movePlanned(page);
  const [, from, , steps] = (await page.textContent("[data-testid=move-summary]")).match(/(\d+) → (\d+) GPUs in (\d+) steps/).map(Number);
  assert.equal(from, deployed);
  assert.ok(steps >= 2, `${steps} steps`);
  // Steps are selected with the keyboard.
  await tabTo(page, "[data-testid=move-step]:not([aria-pressed=true])");
  const chosen = await page.evaluate(() => [...document.querySelectorAll("[data-testid=move-step]")].indexOf(document.activeElement));
  await page.keyboard.press("Enter");
  assert.equal(await page.getAttribute(`[data-testid=move] ol.steps > li:nth-child(${chosen + 1}) [data-testid=move-step]`, "aria-pressed"), "true");
  assert.match(await page.textContent("[data-testid=move-gpus] h3"), new RegExp(`^Step ${chosen + 1}:`));
  assert.deepEqual(errors, []);
  await context.close();
});

test("axe-core finds no serious or critical violation on the page with a plan and a move", async () => {
  // The page's CSP refuses injected scripts: bypassed for the scanner only.
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(site.url);
  await settledCount(page);
  await page.click("[data-testid=mark-deployed]");
  const rate = page.locator("table.workload input[aria-label^='rate of']").first();
  await rate.fill(String(Number(await rate.inputValue()) * 3));
  await page.click("[data-testid=plan-move]");
  await movePlanned(page);
  await page.locator("[data-testid=plan-gpus] .instance").first().click();
  await page.addScriptTag({ path: axePath });
  const results = await page.evaluate(() => axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] }));
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")})`);
  assert.deepEqual(bad, []);
  assert.ok(results.passes.length > 10, "axe ran its checks");
  await context.close();
});

test("on a phone the GPU count comes before the inputs", async () => {
  const { context, page, errors } = await openPage(browser, site, { width: 390, height: 844 });
  await page.goto(site.url);
  await settledCount(page);
  const count = await page.locator("[data-testid=gpu-count]").boundingBox();
  const inputs = await page.locator("section.inputs").boundingBox();
  assert.ok(count.y < inputs.y && count.y < 844, `count at ${count.y} px, inputs at ${inputs.y} px`);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a click on an instance shows its batch, processes and throughput under its GPU", async () => {
  const { context, page, errors } = await openPage(browser, site);
  await page.goto(site.url);
  await settledCount(page);
  const instance = page.locator("[data-testid=plan-gpus] .instance:not(.idle)").first();
  await instance.click();
  assert.equal(await instance.getAttribute("aria-pressed"), "true");
  assert.match(await page.textContent("[data-testid=instance-details]"), /^\S+ on \S+ at slot \d+: batch \d+, \d+ process(es)?, [\d.]+ req\/s$/);
  assert.deepEqual(errors, []);
  await context.close();
});
