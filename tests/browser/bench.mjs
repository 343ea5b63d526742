// Figures for the web app, printed, never asserted: wasm and js sizes, time from page load to
// the first plan on screen, planning 100 models in the browser against the native CLI, and
// each phase natively and in the worker on 1,000 and 3,000 models, in one run.
import { readdir, readFile, stat } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { serve, launch, generated, cliPlan, settledCount, root, upload, solvedForInputs, migplan } from "./harness.mjs";

const dist = path.join(root, "dist");
// Every wasm and js file of the built site, the JS API's (dist/api) and the demo pages' included.
const files = [];
async function walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await walk(full);
    else if (/\.(wasm|js)$/.test(entry.name)) files.push(full);
  }
}
await walk(dist);
let siteGzip = 0;
for (const f of files.sort()) {
  const body = await readFile(f);
  const gz = gzipSync(body, { level: 9 }).length;
  siteGzip += gz;
  console.log(`${path.relative(dist, f).padEnd(44)} ${(body.length / 1024).toFixed(0).padStart(6)} KiB raw ${(gz / 1024).toFixed(0).padStart(6)} KiB gzip`);
}
console.log(`all wasm + js of the site: ${siteGzip} bytes (${(siteGzip / 1024).toFixed(0)} KiB) gzip`);

const site = await serve();
const browser = await launch();
const loads = [];
for (let i = 0; i < 3; i++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const t0 = Date.now();
  await page.goto(site.url);
  await settledCount(page);
  loads.push(Date.now() - t0);
  await context.close();
}
console.log(`page load to first plan on screen (fresh profile, example, 3 runs): ${loads.join(", ")} ms`);

for (const solver of ["auto", "greedy", "mig-serving"]) {
  const files = await generated(100, 1);
  const native = cliPlan(files.profiles, files.workload, "--solver", solver);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(site.url);
  await settledCount(page);
  await upload(page, files);
  await page.selectOption("[data-testid=solver-select]", solver);
  const t0 = Date.now();
  await page.click("[data-testid=solve]");
  await solvedForInputs(page, 120000);
  const wall = Date.now() - t0;
  const status = await page.textContent("[data-testid=status]");
  const gpus = await page.textContent("[data-testid=gpu-count]");
  console.log(`100 models, ${solver}: browser ${gpus} GPUs, ${wall} ms click to plan (${status.trim()}); native ${native.gpu_count} GPUs in ${native.solver.elapsed_ms} ms`);
  await context.close();
}
// Each phase natively (migplan plan --verbose) and in the worker (the page's phase line), in
// one run, on the same generated workloads.
console.log("models  phase      native ms  browser ms  ratio");
for (const models of [1000, 3000]) {
  const files = await generated(models, 1);
  const run = spawnSync(migplan, ["plan", "--gpu", "a100-40gb", "--profiles", files.profiles, "--workload", files.workload, "--verbose", "--out", path.join(files.dir, "plan.json")], { encoding: "utf8" });
  const native = Object.fromEntries([...run.stderr.matchAll(/(build|bound|search|validate) (\d+)/g)].map((m) => [m[1], Number(m[2])]));
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(site.url);
  await settledCount(page);
  await upload(page, files);
  await page.click("[data-testid=solve]");
  await solvedForInputs(page, 300000);
  const phases = await page.$eval("[data-testid=phases]", (e) => ({ ...e.dataset }));
  const row = (phase, n, b) =>
    console.log(`${String(models).padStart(6)}  ${phase.padEnd(9)} ${n.toFixed(0).padStart(9)} ${b.toFixed(0).padStart(11)} ${(b / Math.max(n, 1)).toFixed(1).padStart(6)}`);
  let nativeTotal = 0, browserTotal = 0;
  for (const phase of ["build", "bound", "search", "validate"]) {
    row(phase, native[phase], Number(phases[phase]));
    nativeTotal += native[phase];
    browserTotal += Number(phases[phase]);
  }
  row("all four", nativeTotal, browserTotal);
  // The worker also makes, checks and posts each better plan as it is found (the page shows
  // them); the command line has nobody to show them to.
  console.log(`${String(models).padStart(6)}  streaming the plans found on the way: ${Number(phases.stream).toFixed(0)} ms in the browser`);
  await context.close();
}
await browser.close();
site.close();
