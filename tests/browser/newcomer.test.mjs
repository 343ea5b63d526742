// The page as a newcomer walks it: what to do after the first plan, the terms explained, the
// focus kept after a run starts, Tab to Solve past the workload table, errors said beside
// their cause in the page's words, pasted links opened, and SVG labels inside their boxes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile, readFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { createRequire } from "node:module";
import { withSiteAndBrowser, generated, generatedChange, deployedThenChanged, settledCount, solvedForInputs, movePlanned, openPage, rateCell, upload, root } from "./harness.mjs";

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
let site, browser;
withSiteAndBrowser((s, b) => ([site, browser] = [s, b]));

async function file(name, content) {
  const f = path.join(await mkdtemp(path.join(tmpdir(), "migplan-newcomer-")), name);
  await writeFile(f, content);
  return f;
}

/** The share link's inputs (`#s=1.<data>`) as JSON, and back. */
const linkJson = (url) => JSON.parse(inflateRawSync(Buffer.from(new URL(url).hash.slice("#s=1.".length), "base64url")).toString());
const jsonLink = (json) => `#s=1.${deflateRawSync(Buffer.from(JSON.stringify(json))).toString("base64url")}`;

/** The address once the page has written its inputs' link into it. */
async function linkOf(page) {
  await page.waitForFunction(() => location.hash.startsWith("#s=1."));
  return page.url();
}

test("after the first plan one line says what to do next, and each term explains itself on hover and focus", async () => {
  const { context, page, errors } = await openPage(browser, site);
  await page.goto(site.url);
  const gpus = await settledCount(page);
  // The nodes line counts the plan's GPUs apart from a node's size (it said "1 node of 8
  // GPUs" beside a plan of 6).
  assert.equal(await page.textContent("[data-testid=node-summary]"),
    `${gpus} GPUs on 1 node (8 GPUs per node), 1 distinct node config: label each node with its config`);
  const next = page.locator("[data-testid=what-next]");
  assert.match(await next.textContent(), /^Next: bring your files .*→ Solve → deploy the plan .* or move a running cluster/);
  // Its links take the focus to their place without changing the address (the share link).
  const address = page.url();
  await next.getByText("move a running cluster").click();
  assert.equal(await page.evaluate(() => document.activeElement.id), "move-heading");
  assert.equal(page.url(), address);
  // A plan found at once draws no empty progress chart.
  assert.equal(await page.locator("[data-testid=progress-chart]").count(), 0);
  const summary = page.locator("section.results .summary");
  const terms = await summary.locator("[data-testid=term]").allTextContents();
  assert.ok(terms.some((t) => /^(proven optimal|lower bound)$/.test(t)), terms.join(" | "));
  assert.ok(terms.some((t) => /^\d+ whole GPUs$/.test(t)), terms.join(" | "));
  // Every term on the page is described, for screen readers too, and its tip shows on focus.
  const described = await page.$$eval("[data-testid=term]", (all) => all.map((t) => [t.textContent, document.getElementById(t.getAttribute("aria-describedby"))?.textContent ?? ""]));
  assert.ok(described.length >= 3 && described.every(([, d]) => d.length > 40), JSON.stringify(described));
  assert.ok(described.some(([t]) => t === "p99"), "p99 is explained");
  const term = summary.locator("[data-testid=term]").first();
  await term.focus();
  const tip = await term.evaluate((t) => getComputedStyle(t, "::after").content);
  assert.ok(tip.length > 40, `tooltip on focus: ${tip}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a plan without a whole-GPU baseline names the model that lacks the whole GPU", async () => {
  const { context, page, errors } = await openPage(browser, site);
  await page.goto(site.url);
  await settledCount(page);
  const profiles = await readFile(path.join(root, "static/examples/a100-40gb-profiles.csv"), "utf8");
  const without = profiles.split("\n").filter((l) => !(l.startsWith("bert-base-multilingual-cased,") && l.includes(",7g."))).join("\n");
  await page.setInputFiles("[data-testid=profiles-input]", await file("no-7g-bert.csv", without));
  await page.click("[data-testid=solve]");
  await solvedForInputs(page);
  assert.equal(await page.textContent("[data-testid=no-baseline]"),
    "no whole-GPU baseline: bert-base-multilingual-cased has no measurement on 7g.40gb, the whole GPU");
  assert.deepEqual(errors, []);
  await context.close();
});

test("Solve and Plan the move leave the focus on the heading above their answer, not on the page's body", async () => {
  const { context, page, errors } = await openPage(browser, site);
  await page.goto(site.url);
  await settledCount(page);
  await page.focus("[data-testid=solve]");
  await page.keyboard.press("Enter");
  await solvedForInputs(page);
  assert.equal(await page.evaluate(() => document.activeElement.id), "plan-heading");
  await page.click("[data-testid=mark-deployed]");
  await rateCell(page).fill(String(Number(await rateCell(page).inputValue()) * 3));
  await page.focus("[data-testid=plan-move]");
  await page.keyboard.press("Enter");
  await movePlanned(page);
  assert.equal(await page.evaluate(() => document.activeElement.id), "move-heading");
  // Tab goes on from there into the move.
  await page.keyboard.press("Tab");
  assert.notEqual(await page.evaluate(() => document.activeElement.localName), "body");
  assert.deepEqual(errors, []);
  await context.close();
});

test("with 12 models Solve is a few Tab presses after the first rate cell; the arrows move in the table", async () => {
  const { context, page, errors } = await openPage(browser, site);
  await page.goto(site.url);
  await settledCount(page);
  await upload(page, await generated(12, 3));
  await page.waitForFunction(() => /\(12 rows\)/.test(document.body.textContent));
  await rateCell(page, 0).focus();
  let presses = 0;
  while (!(await page.evaluate(() => document.activeElement?.dataset.testid === "solve"))) {
    await page.keyboard.press("Tab");
    assert.ok(++presses <= 12, `Solve not reached in ${presses} presses`);
  }
  assert.ok(presses <= 12, `${presses} presses`);
  // Down moves to the next row's rate, the caret at its end; Right then goes to the SLO.
  await rateCell(page, 0).focus();
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("aria-label")), await rateCell(page, 1).getAttribute("aria-label"));
  await page.keyboard.press("End");
  await page.keyboard.press("ArrowRight");
  assert.match(await page.evaluate(() => document.activeElement.getAttribute("aria-label")), /^SLO of /);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the remove buttons are 32 px and the profiles table shows every column, each heading within it, at 1280 px", async () => {
  const { context, page, errors } = await openPage(browser, site, { width: 1280, height: 800 });
  await page.goto(site.url);
  await settledCount(page);
  const sizes = await page.$$eval("button.icon", (all) => all.map((b) => [b.offsetWidth, b.offsetHeight]));
  assert.ok(sizes.length > 2 && sizes.every(([w, h]) => w >= 32 && h >= 32), JSON.stringify(sizes));
  const table = page.locator("[data-testid=profile-files]");
  const section = await page.locator("section.inputs").boundingBox();
  for (const cell of ["[data-testid=file-kept]", "[data-testid=file-skipped]", "td.remove button"]) {
    const box = await table.locator(cell).first().boundingBox();
    assert.ok(box && box.x + box.width <= section.x + section.width, `${cell} inside the inputs column: ${JSON.stringify(box)}`);
  }
  // Every visible heading fits its column ("profile" ran into "batch").
  // (The remove column's heading is for screen readers only.)
  const overflowing = await table.locator("th").evaluateAll((ths) => ths.filter((th) => !th.querySelector(".visually-hidden"))
    .map((th) => {
      const text = document.createRange();
      text.selectNodeContents(th);
      const style = getComputedStyle(th);
      const room = th.getBoundingClientRect().width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      return [th.textContent, text.getBoundingClientRect().width, room];
    })
    .filter(([, width, room]) => width > room + 0.5));
  assert.deepEqual(overflowing, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a refused upload is listed by name beside the inputs, keeps the good files chosen with it, and goes with the next upload", async () => {
  const { context, page, errors } = await openPage(browser, site);
  await page.goto(site.url);
  await settledCount(page);
  const good = path.join(root, "tests/fixtures/import/resnet50@3g.20gb@b8.csv");
  const png = await file("chart.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe]));
  await page.setInputFiles("[data-testid=profiles-input]", [png, good]);
  await page.waitForSelector("[data-testid=input-error]");
  assert.match(await page.textContent("section.inputs [data-testid=input-error]"), /chart\.png.*byte 1 is not UTF-8 text/);
  assert.deepEqual(await page.locator("[data-testid=profile-file] .name").allTextContents(), ["resnet50@3g.20gb@b8.csv"]);
  // Nothing of it shows in the plan's panel.
  assert.doesNotMatch(await page.textContent("section.results"), /UTF-8/);
  await page.setInputFiles("[data-testid=profiles-input]", path.join(root, "static/examples/a100-40gb-profiles.csv"));
  await page.waitForFunction(() => !/chart\.png/.test(document.querySelector("section.inputs").textContent));
  assert.deepEqual(errors, []);
  await context.close();
});

test("a hint names what to do on the page, never a command-line flag", async () => {
  const { context, page, errors } = await openPage(browser, site);
  await page.goto(site.url);
  await settledCount(page);
  // A MIGPerf file that says neither its model's profile nor its memory.
  await page.setInputFiles("[data-testid=profiles-input]", await file("b.csv", "model_name,batch_size,latency,throughput\nb,2,4.5,444.4\n"));
  await page.waitForSelector("[data-testid=input-error]");
  const said = await page.textContent("[data-testid=input-error]");
  assert.match(said, /b\.csv/);
  assert.doesNotMatch(said, /--\w/);
  await page.setInputFiles("[data-testid=profiles-input]", path.join(root, "static/examples/a100-40gb-profiles.csv"));
  await page.selectOption("[data-testid=gpu-select]", "a100-80gb");
  await page.click("[data-testid=solve]");
  await page.waitForSelector("[data-testid=error-group]");
  const line = await page.textContent("[data-testid=input-error]");
  assert.match(line, /these profiles are A100-40GB's, not the chosen GPU's: switch GPU\?/);
  assert.doesNotMatch(line, /--\w/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("MIGPerf files whose profile is their memory (_10g_ in the name, an instance_memory column) are read", async () => {
  const { context, page, errors } = await openPage(browser, site);
  await page.goto(site.url);
  await settledCount(page);
  const named = await file("MiniLM_infer_10g_bsz.csv", "model_name,batch_size,latency,throughput\nMiniLM,2,4.5,444.4\n");
  const all = await file("bert-base_bsz.csv", "Unnamed: 0,model_name,batch_size,latency,throughput,instance_memory\n"
    + "0,bert-base,1,11.17,89.53,5\n0,bert-base,1,11.1,90.12,10\n0,bert-base,1,11.12,89.91,20\n0,bert-base,1,11.1,90.11,40\n");
  await page.setInputFiles("[data-testid=profiles-input]", [named, all]);
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=profile-file]").length === 2);
  const rows = page.locator("[data-testid=profile-file]");
  assert.deepEqual(await rows.locator("[data-testid=file-format]").allTextContents(), ["MIGPerf", "MIGPerf"]);
  assert.deepEqual(await rows.locator("[data-testid=file-kept]").allTextContents(), ["1", "4"]);
  assert.equal(await rows.nth(0).locator("[data-testid=file-profile]").getAttribute("placeholder"), "2g.10gb");
  assert.equal(await rows.nth(1).locator("[data-testid=file-profile]").getAttribute("placeholder"), "per row");
  assert.deepEqual(errors, []);
  await context.close();
});

test("a running plan for another GPU is flagged under it at once, and a refused move says why beside its button", async () => {
  const { context, page, errors } = await openPage(browser, site);
  await page.goto(site.url);
  await settledCount(page);
  await page.click("[data-testid=mark-deployed]");
  await page.selectOption("[data-testid=gpu-select]", "a100-80gb");
  const flag = await page.textContent("[data-testid=running-plan-gpu]");
  assert.match(flag, /This running plan is for A100-40GB, but the GPU chosen above is A100-80GB/);
  assert.ok(await page.isDisabled("[data-testid=plan-move]"));
  await page.click("[data-testid=running-plan-switch-gpu]");
  assert.equal(await page.inputValue("[data-testid=gpu-select]"), "a100-40gb");
  assert.equal(await page.locator("[data-testid=running-plan-gpu]").count(), 0);
  // A move the planner refuses (a workload row it cannot read) says so beside its button.
  await rateCell(page).fill("lots");
  await page.click("[data-testid=plan-move]");
  await page.waitForFunction(() => /the move could not be planned: .*lots/.test(document.querySelector("section.moves").textContent));
  assert.deepEqual(errors, []);
  await context.close();
});

test("the capacity panel names an unknown GPU as unknown", async () => {
  const { context, page, errors } = await openPage(browser, site);
  await page.goto(site.url);
  await settledCount(page);
  await page.fill("[data-testid=capacity-types]", "v100=1");
  await page.click("[data-testid=capacity-run]");
  await page.waitForSelector("[data-testid=capacity-errors]");
  const said = await page.textContent("[data-testid=capacity-errors]");
  assert.match(said, /v100/);
  assert.match(said, /unknown|not a GPU migplan knows/);
  assert.doesNotMatch(said, /is not GPU=PRICE/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a share link pasted into the open page opens its inputs and plans them, without a reload", async () => {
  const { context, page, errors } = await openPage(browser, site);
  await page.goto(site.url);
  await settledCount(page);
  const link = linkJson(await linkOf(page));
  link.inputs.workload.text = link.inputs.workload.text.replace(/^([^,\n]+),(\d+),/m, (_, m) => `${m},4321,`);
  assert.match(link.inputs.workload.text, /,4321,/);
  await page.evaluate(() => (window.sameDocument = true));
  await page.goto(`${site.url}${jsonLink(link)}`);
  await page.waitForFunction(() => [...document.querySelectorAll("table.workload input")].some((i) => i.value === "4321"));
  await solvedForInputs(page);
  assert.ok(await page.evaluate(() => window.sameDocument), "the page was not reloaded");
  assert.equal(await page.locator("[data-testid=link-error]").count(), 0);
  // A damaged one says so, and the inputs stay.
  await page.goto(`${site.url}#s=1.damaged`);
  await page.waitForSelector("[data-testid=link-error]");
  assert.match(await page.textContent("[data-testid=link-error]"), /damaged.*The inputs on the page are as they were/);
  assert.ok(await page.evaluate(() => [...document.querySelectorAll("table.workload input")].some((i) => i.value === "4321")));
  assert.deepEqual(errors, []);
  await context.close();
});

test("a link's errors say what is wrong and what shows instead", async () => {
  const { context, page } = await openPage(browser, site);
  await page.goto(site.url);
  await settledCount(page);
  const link = linkJson(await linkOf(page));
  // An unknown GPU: the selector shows it as unknown, not as another GPU.
  const unknown = await context.newPage();
  await unknown.goto(`${site.url}${jsonLink({ ...link, inputs: { ...link.inputs, gpu: "v100" } })}`);
  await unknown.waitForSelector("[data-testid=input-error]");
  assert.match(await unknown.textContent("[data-testid=gpu-select] option:checked"), /^v100 \(unknown: choose a GPU\)$/);
  // The settings table's words, naming the setting as the page does.
  assert.match(await unknown.textContent("[data-testid=input-error]"), /GPU types: unknown GPU `v100`/);
  await unknown.close();
  // A deflate bomb is too large, not damaged; a fresh browser has no saved inputs to show.
  const bomb = `#s=1.${deflateRawSync(Buffer.alloc(20 << 20, 32), { level: 9 }).toString("base64url")}`;
  const fresh = await openPage(browser, site);
  await fresh.page.goto(`${site.url}${bomb}`);
  const said = await fresh.page.textContent("[data-testid=link-error]");
  assert.match(said, /too large/);
  assert.doesNotMatch(said, /damaged|saved inputs/);
  assert.match(said, /Showing the example instead\.$/);
  await fresh.context.close();
  // With inputs saved, those show instead.
  await settledCount(page);
  const saved = await context.newPage();
  await saved.goto(`${site.url}#s=1.damaged`);
  assert.match(await saved.textContent("[data-testid=link-error]"), /damaged.*Showing your saved inputs instead\.$/);
  await context.close();
});

test("the SVG download's labels stay inside their instance boxes", async () => {
  const { context, page, errors } = await openPage(browser, site);
  await page.goto(site.url);
  await settledCount(page);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=download-svg]")]);
  const svg = await readFile(await download.path(), "utf8");
  const viewer = await context.newPage();
  await viewer.goto(`file://${await file("plan.svg", svg)}`);
  const over = await viewer.evaluate(() => [...document.querySelectorAll("g.instance")].flatMap((g) => {
    const box = g.querySelector("rect").getBBox();
    return [...g.querySelectorAll("text")].filter((t) => {
      const r = t.getBoundingClientRect();
      const b = g.querySelector("rect").getBoundingClientRect();
      return r.width > 0 && r.right > b.right + 0.5;
    }).map((t) => `${t.textContent} (${box.width} px)`);
  }));
  assert.deepEqual(over, []);
  assert.ok(svg.includes("…</text>"), "some long names are cut");
  assert.deepEqual(errors, []);
  await context.close();
});

test("with 1,000 models and a move shown, axe-core finds no best-practice or WCAG violation", async (t) => {
  const files = await generatedChange(1000, 1, "up30");
  // The page's CSP refuses injected scripts: bypassed for the scanner only.
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await deployedThenChanged(page, site, files);
  await page.click("[data-testid=plan-move]");
  // The first step on screen is enough: what is scanned is the page's structure.
  await page.waitForSelector("[data-testid=move-step]", { timeout: 300000 });
  await page.addScriptTag({ path: axePath });
  const results = await page.evaluate(() => axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] }));
  const bad = results.violations.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")})`);
  t.diagnostic(`${results.passes.length} rules passed`);
  assert.deepEqual(bad, []);
  assert.ok(results.passes.length > 10, "axe ran its checks");
  await page.click("[data-testid=cancel-move]").catch(() => {});
  await context.close();
});
