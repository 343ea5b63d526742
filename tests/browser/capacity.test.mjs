// The capacity panel on the bundled example: the comparison table and the growth chart,
// point by point against `migplan compare` and `migplan sweep`.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { withSiteAndBrowser, cli, settledCount, root } from "./harness.mjs";

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
