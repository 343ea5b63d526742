// Profiler files dropped on the page: the file table, an edit in it, and the plan they give,
// against the native CLI on the same files.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile, mkdtemp, copyFile, readdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { withSiteAndBrowser, cli, root, settledCount, solvedForInputs, openPage } from "./harness.mjs";

let site, browser;
withSiteAndBrowser((s, b) => ([site, browser] = [s, b]));

const fixtures = path.join(root, "tests/fixtures/import");
const dropped = ["resnet50@3g.20gb@b8.csv", "bert@1g.5gb@b2.csv", "tinybert_MIG_profile_9.csv"];

/** Drops files on the profiles input as a user's drag and drop does. */
async function drop(page, files) {
  await page.evaluate((files) => {
    const data = new DataTransfer();
    for (const [name, text] of files) data.items.add(new File([text], name, { type: "text/csv" }));
    const target = document.querySelector("[data-testid=profiles-input]").closest("label");
    target.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
  }, files);
}

test("dropped perf_analyzer and MIGPerf files, one profile edited, plan with the imported rows", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(site.url);
  await settledCount(page);

  const files = await Promise.all(dropped.map(async (name) => [name, await readFile(path.join(fixtures, name), "utf8")]));
  await drop(page, files);
  const rows = page.locator("[data-testid=profile-file]");
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=profile-file]").length === 3);
  assert.deepEqual(await rows.locator("[data-testid=file-format]").allTextContents(), ["perf_analyzer", "perf_analyzer", "MIGPerf"]);
  assert.deepEqual(await rows.locator("[data-testid=file-kept]").allTextContents(), ["4", "2", "2"]);
  assert.deepEqual(await rows.locator("[data-testid=file-skipped]").allTextContents(), ["0", "1", "0"]);
  assert.equal(await rows.nth(0).locator("[data-testid=file-profile]").getAttribute("placeholder"), "3g.20gb");

  // resnet50 was measured on a 7g.40gb after all: the user says so in its row.
  await rows.nth(0).locator("[data-testid=file-profile]").fill("7g.40gb");
  const dir = await mkdtemp(path.join(tmpdir(), "migplan-import-"));
  const workload = path.join(dir, "workload.csv");
  await writeFile(workload, "model,rate,slo_ms\nresnet50,400,70\nbert,150,15\ntinybert,1500,10\n");
  await page.setInputFiles("[data-testid=workload-input]", workload);
  await page.waitForFunction(() => document.querySelector(".stale"));
  await page.click("[data-testid=solve]");
  await solvedForInputs(page);
  const count = await settledCount(page);

  const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=download-json]")]);
  const plan = JSON.parse(await readFile(await download.path(), "utf8"));
  const used = plan.gpus.flatMap((g) => g.instances).filter((i) => i.model);
  const of = (model) => used.filter((i) => i.model === model).map((i) => [i.profile, i.batch, i.throughput]);
  assert.deepEqual(of("resnet50"), [["7g.40gb", 8, 449.6]]);
  assert.deepEqual(of("bert"), [["1g.5gb", 2, 79.8], ["1g.5gb", 2, 79.8]]);
  assert.deepEqual(of("tinybert"), [["3g.20gb", 16, 1729.7]]);

  // The CLI on the same files (resnet50's under the name that says 7g.40gb) agrees.
  await copyFile(path.join(fixtures, dropped[0]), path.join(dir, "resnet50@7g.40gb@b8.csv"));
  const reference = JSON.parse(cli("plan", "--gpu", "a100-40gb", "--workload", workload, "--format", "json",
    "--profiles", path.join(dir, "resnet50@7g.40gb@b8.csv"), "--profiles", path.join(fixtures, dropped[1]),
    "--profiles", path.join(fixtures, dropped[2])));
  assert.equal(count, reference.gpu_count);

  // The files and the edit survive a reload.
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=profile-file]").length === 3);
  assert.equal(await page.locator("[data-testid=profile-file]").nth(0).locator("[data-testid=file-profile]").inputValue(), "7g.40gb");
  assert.deepEqual(errors, []);
  await context.close();
});

test("ParvaGPU's SLO files and a scenario number make the workload the CLI's import makes, and it plans as the CLI plans", async (t) => {
  const parva = path.join(root, "../shared/data/parvagpu");
  if (!existsSync(parva)) {
    t.diagnostic(`skipped: ${parva} missing (ParvaGPU's published files sit beside CI's checkout)`);
    return;
  }
  const { context, page, errors } = await openPage(browser, site);
  await page.goto(site.url);
  await settledCount(page);
  await page.selectOption("[data-testid=gpu-select]", "a100-80gb");
  const profDir = path.join(parva, "prof_data");
  const prof = (await readdir(profDir)).filter((f) => f.endsWith(".csv")).map((f) => path.join(profDir, f));
  await page.setInputFiles("[data-testid=profiles-input]", prof);
  await page.waitForFunction((n) => document.querySelectorAll("[data-testid=profile-file]").length === n, prof.length);
  await page.click("[data-testid=scenario] summary");
  const [rates, slos] = [path.join(parva, "SLO/SLO_req_rate.csv"), path.join(parva, "SLO/SLO_latency.csv")];
  await page.setInputFiles("[data-testid=slo-rates-input]", rates);
  await page.setInputFiles("[data-testid=slo-latency-input]", slos);
  // A scenario past the files' lines is refused, naming both files; nothing changes.
  await page.fill("[data-testid=scenario-number]", "99");
  await page.waitForFunction(() => !document.querySelector("[data-testid=use-scenario]").disabled);
  await page.click("[data-testid=use-scenario]");
  assert.match(await page.textContent("[data-testid=scenario-error]"), /SLO_req_rate\.csv: there is no scenario 99[\s\S]*SLO_latency\.csv/);
  await page.fill("[data-testid=scenario-number]", "2");
  await page.click("[data-testid=use-scenario]");
  await page.waitForSelector("[data-testid=scenario-note]");
  assert.match(await page.textContent("[data-testid=scenario-note]"), /^scenario 2 of SLO_req_rate\.csv: \d+ models/);
  const dir = await mkdtemp(path.join(tmpdir(), "migplan-scenario-"));
  const workload = path.join(dir, "workload.csv");
  cli("import", "--gpu", "a100-80gb", ...prof, "--scenario", "2", "--slo-rates", rates, "--slo-latency", slos,
    "--workload-out", workload, "--out", path.join(dir, "profiles.csv"));
  const cliRows = (await readFile(workload, "utf8")).trim().split("\n").slice(1).map((l) => l.split(",").slice(0, 3));
  const pageRows = await page.$$eval("table.workload tbody tr:not(.spacer)", (trs) => trs.map((tr) => [...tr.querySelectorAll("input")].map((i) => i.value)));
  assert.deepEqual(pageRows, cliRows);
  await page.click("[data-testid=solve]");
  await solvedForInputs(page);
  const reference = JSON.parse(cli("plan", "--gpu", "a100-80gb", "--profiles", path.join(dir, "profiles.csv"),
    "--workload", workload, "--format", "json"));
  assert.equal(await settledCount(page), reference.gpu_count);
  assert.deepEqual(errors, []);
  await context.close();
});
