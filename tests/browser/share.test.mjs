// Share links, the embedded planner and its host page, in headless Chromium.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { withSiteAndBrowser, generated, settledCount, upload, solvedForInputs, openPage } from "./harness.mjs";

let site, browser;
withSiteAndBrowser((s, b) => ([site, browser] = [s, b]));

/** The page's address once it has stayed the same for a while (it follows edits after a pause). */
async function settledAddress(page) {
  let last = page.url();
  for (let still = 0; still < 3; ) {
    await page.waitForTimeout(300);
    const now = page.url();
    still = now === last ? still + 1 : 0;
    last = now;
  }
  return last;
}

/** A page in a fresh context, collecting what must never happen (`harness.openPage`). */
function freshPage(viewport) {
  return openPage(browser, site, viewport);
}

/** The inputs as the page shows them. */
function shownInputs(page) {
  return page.evaluate(() => ({
    gpu: document.querySelector("[data-testid=gpu-select]").value,
    solver: document.querySelector("[data-testid=solver-select]").value,
    seed: document.querySelector("[data-testid=seed]").value,
    timeLimit: document.querySelector("[data-testid=time-limit]").value,
    workload: [...document.querySelectorAll("table.workload tbody input")].map((i) => i.value),
  }));
}

test("a share link opened in a fresh browser reproduces the inputs and the GPU count", async () => {
  const { context, page, errors } = await freshPage();
  await page.goto(site.url);
  await settledCount(page);
  const entries = await page.evaluate(() => history.length);
  // Change the inputs: a rate, the solver, a seed drawn by the page.
  await page.fill("table.workload tbody tr:nth-child(2) td:nth-child(2) input", "4100");
  await page.selectOption("[data-testid=solver-select]", "mig-serving");
  const before = await page.inputValue("[data-testid=seed]");
  await page.click("[data-testid=new-seed]");
  await page.waitForFunction((s) => document.querySelector("[data-testid=seed]").value !== s, before);
  await page.click("[data-testid=solve]");
  await solvedForInputs(page);
  const count = Number(await page.textContent("[data-testid=gpu-count]"));
  const inputs = await shownInputs(page);
  assert.match(inputs.seed, /^\d+$/);
  assert.ok(inputs.workload.includes("4100"));
  // The address bar is the link (once the edits have paused), and the history did not grow
  // with each edit.
  const link = await settledAddress(page);
  assert.match(link, /#s=1\.[A-Za-z0-9_-]+$/);
  // Copy link puts the same link on the clipboard.
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: site.url });
  await page.click("[data-testid=copy-link]");
  await page.waitForSelector("text=Link copied");
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
  assert.equal(await page.evaluate(() => history.length), entries);
  assert.deepEqual(errors, []);
  await context.close();

  const fresh = await freshPage();
  await fresh.page.goto(link);
  assert.equal(await settledCount(fresh.page), count);
  assert.deepEqual(await shownInputs(fresh.page), inputs);
  assert.deepEqual(fresh.errors, []);
  await fresh.context.close();
});

/** The inputs and the two settings an inputs file holds, as the page shows them. */
async function shownInputsAndSettings(page) {
  return {
    ...(await shownInputs(page)),
    latency: await page.inputValue("[data-testid=latency-select]"),
    gpusPerNode: await page.inputValue("[data-testid=gpus-per-node]"),
    spare: await page.inputValue("[data-testid=spare]"),
  };
}

/** Chooses `file` through the Load inputs (JSON) button, as a user would. */
async function loadInputs(page, file) {
  const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.click("[data-testid=load-inputs]")]);
  await chooser.setFiles(file);
}

test("Download inputs (JSON) loads back into a fresh browser; a file that is not one is refused, naming it", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "migplan-inputs-"));
  const { context, page, errors } = await freshPage();
  await page.goto(site.url);
  await settledCount(page);
  await page.fill("table.workload tbody tr:nth-child(2) td:nth-child(2) input", "4100");
  await page.selectOption("[data-testid=solver-select]", "mig-serving");
  await page.selectOption("[data-testid=latency-select]", "p90");
  await page.fill("[data-testid=seed]", "77");
  await page.fill("[data-testid=gpus-per-node]", "4");
  await page.fill("[data-testid=spare]", "3");
  const saved = await shownInputsAndSettings(page);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=download-inputs]")]);
  const file = path.join(dir, download.suggestedFilename());
  await download.saveAs(file);
  assert.deepEqual(errors, []);
  await context.close();

  const fresh = await freshPage();
  await fresh.page.goto(site.url);
  await settledCount(fresh.page);
  const example = await shownInputsAndSettings(fresh.page);
  assert.notDeepEqual(example, saved);
  // Not JSON, then JSON that is not inputs: each refused with its name and place, nothing replaced.
  const refusals = [
    ["cut-inputs.json", '{\n  "inputs": {,\n', /^The inputs file could not be loaded: cut-inputs\.json, line 2, column 14: not JSON .*Nothing on the page was changed\.$/],
    ["other.json", '{"gpu": "a100-40gb"}', /other\.json, line 1, column 20: JSON, but not migplan inputs \(missing field `inputs`\)/],
  ];
  for (const [name, text, told] of refusals) {
    await writeFile(path.join(dir, name), text);
    await loadInputs(fresh.page, path.join(dir, name));
    await fresh.page.waitForSelector(`[data-testid=load-inputs-error]:has-text("${name}")`);
    assert.match(await fresh.page.textContent("[data-testid=load-inputs-error]"), told);
    assert.deepEqual(await shownInputsAndSettings(fresh.page), example);
  }
  // The downloaded file restores everything it was downloaded with.
  await loadInputs(fresh.page, file);
  await fresh.page.waitForSelector("[data-testid=inputs-loaded]");
  assert.match(await fresh.page.textContent("[data-testid=inputs-loaded]"), /Loaded the inputs of migplan-inputs\.json\./);
  assert.equal(await fresh.page.$("[data-testid=load-inputs-error]"), null);
  assert.deepEqual(await shownInputsAndSettings(fresh.page), saved);
  assert.ok(await fresh.page.isVisible(".stale"), "the example's plan is not a plan of the loaded inputs");
  // Downloaded again, the file is the same.
  const [again] = await Promise.all([fresh.page.waitForEvent("download"), fresh.page.click("[data-testid=download-inputs]")]);
  assert.equal(await readFile(await again.path(), "utf8"), await readFile(file, "utf8"));
  assert.deepEqual(fresh.errors, []);
  await fresh.context.close();
});

test("a link of a newer format says why it does not open", async () => {
  const { context, page } = await freshPage();
  await page.goto(`${site.url}#s=9.AAAA`);
  assert.match(await page.textContent("[data-testid=link-error]"), /newer migplan/);
  assert.ok((await settledCount(page)) > 0, "the page still plans the example");
  const embedded = await context.newPage();
  await embedded.goto(`${site.url}?embed#s=1.damaged`);
  assert.match(await embedded.textContent("[data-testid=link-error]"), /damaged/);
  await context.close();
});

test("inputs too large for a link say so and offer the JSON instead", async () => {
  const { context, page, errors } = await freshPage();
  await page.goto(site.url);
  await settledCount(page);
  const files = await generated(300, 1);
  await upload(page, files);
  await page.waitForSelector("[data-testid=link-too-large]");
  assert.match(await page.textContent("[data-testid=link-too-large]"), /too large for a link .* over 32 KB/);
  // No link that would open half of it: the address has no state.
  assert.equal(new URL(page.url()).hash, "");
  assert.equal(await page.$("[data-testid=copy-link]"), null);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=download-inputs]")]);
  const saved = JSON.parse(await readFile(await download.path(), "utf8"));
  assert.equal(saved.inputs.workload.text, await readFile(files.workload, "utf8"));
  assert.equal(saved.inputs.profiles[0].text, await readFile(files.profiles, "utf8"));
  const file = path.join(files.dir, download.suggestedFilename());
  await download.saveAs(file);
  assert.deepEqual(errors, []);
  await context.close();
  // That file opens the same 300 models in a fresh browser, too large for a link there too.
  const fresh = await freshPage();
  await fresh.page.goto(site.url);
  await settledCount(fresh.page);
  await loadInputs(fresh.page, file);
  await fresh.page.waitForSelector("[data-testid=inputs-loaded]");
  await fresh.page.waitForSelector("[data-testid=link-too-large]");
  assert.match(await fresh.page.textContent("section.inputs"), /\(300 rows\)/);
  assert.deepEqual(fresh.errors, []);
  await fresh.context.close();
});

test("the embed snippet frames this state", async () => {
  const { context, page } = await freshPage();
  await page.goto(site.url);
  await settledCount(page);
  await page.click("[data-testid=embed-button]");
  const snippet = await page.inputValue("[data-testid=embed-snippet]");
  const value = new URL(page.url()).hash.slice("#s=".length);
  assert.ok(snippet.includes(`?embed#s=${value}"`), snippet.slice(0, 200));
  assert.match(snippet, /migplan:height/);
  await context.close();
});

test("the example host page at 360×640: two embedded plans, no horizontal scroll, heights posted", async () => {
  const { context, page, errors } = await freshPage({ width: 360, height: 640 });
  await page.goto(`${site.url}demo/embed.html`);
  const counts = [];
  for (const id of ["frame-example", "frame-double"]) {
    const frame = await (await page.$(`[data-testid=${id}]`)).contentFrame();
    await frame.waitForSelector("[data-testid=embed] [data-testid=gpu-count]", { timeout: 60000 });
    await frame.waitForFunction(() => !document.querySelector(".status.running"), null, { timeout: 60000 });
    counts.push(Number(await frame.textContent("[data-testid=gpu-count]")));
    // The plan comes first; the inputs are folded away; no page header.
    assert.equal(await frame.$eval("details.embed-inputs", (d) => d.open), false);
    assert.equal(await frame.$("header"), null);
    const overflow = await frame.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${id}: ${overflow} px of horizontal scroll`);
    // The host sized the frame to the height it posted.
    await page.waitForFunction(
      (id) => {
        const f = document.querySelector(`[data-testid=${id}]`);
        const content = f.contentDocument.documentElement.getBoundingClientRect().height;
        return Math.abs(Number(f.height) - Math.ceil(content)) <= 1;
      },
      id,
      { timeout: 10000 },
    );
  }
  assert.ok(counts.every((c) => c > 0), JSON.stringify(counts));
  assert.notEqual(counts[0], counts[1], "two different states, two different plans");
  const pageOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(pageOverflow <= 0, `host page: ${pageOverflow} px of horizontal scroll`);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the embedded planner fits 320 px with no horizontal scroll", async () => {
  const { context, page, errors } = await freshPage({ width: 320, height: 640 });
  await page.goto(`${site.url}?embed`);
  await page.waitForSelector("[data-testid=embed] [data-testid=gpu-count]", { timeout: 60000 });
  for (const state of ["results", "inputs open"]) {
    if (state === "inputs open") await page.click("details.embed-inputs > summary");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${state}: ${overflow} px of horizontal scroll`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test("an embedded planner leaves the saved inputs of the full page alone", async () => {
  const { context, page } = await freshPage();
  await page.goto(site.url);
  await settledCount(page);
  await page.fill("[data-testid=time-limit]", "7");
  // The full page saves once the typing pauses.
  await page.waitForFunction(() => (localStorage.getItem("migplan.state.v1") ?? "").includes('"time_limit_s":"7"'));
  const saved = await page.evaluate(() => localStorage.getItem("migplan.state.v1"));
  const embedded = await context.newPage();
  await embedded.goto(`${site.url}?embed`);
  await embedded.waitForSelector("[data-testid=embed] [data-testid=gpu-count]", { timeout: 60000 });
  assert.equal(await embedded.evaluate(() => localStorage.getItem("migplan.state.v1")), saved);
  await context.close();
});
