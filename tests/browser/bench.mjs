// Figures for the web app, printed, never asserted: wasm and js sizes, time from page load to
// the first plan on screen, planning 100 models in the browser against the native CLI, and
// each phase natively and in the worker on 1,000 and 3,000 models, in one run.
import { readdir, readFile, stat } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { serve, launch, generated, cliPlan, settledCount, root, upload, solvedForInputs, migplan } from "./harness.mjs";

const dist = path.join(root, "dist");
let siteGzip = 0;
for (const f of (await readdir(dist)).filter((f) => f.endsWith(".wasm") || f.endsWith(".js"))) {
  const body = await readFile(path.join(dist, f));
  const gz = gzipSync(body, { level: 9 }).length;
  siteGzip += gz;
  console.log(`${f.padEnd(44)} ${(body.length / 1024).toFixed(0).padStart(6)} KiB raw ${(gz / 1024).toFixed(0).padStart(6)} KiB gzip`);
}
console.log(`all wasm + js of the site: ${(siteGzip / 1024).toFixed(0)} KiB gzip`);
// The JS API (dist/api/), loaded only by pages that import it, never by the planner page.
let apiGzip = 0;
for (const f of (await readdir(path.join(dist, "api"))).filter((f) => f.endsWith(".wasm") || f.endsWith(".js"))) {
  const body = await readFile(path.join(dist, "api", f));
  apiGzip += gzipSync(body, { level: 9 }).length;
}
console.log(`the JS API's wasm + js (dist/api): ${(apiGzip / 1024).toFixed(0)} KiB gzip`);

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
  for (const phase of ["build", "bound", "search", "validate"]) {
    const b = Number(phases[phase]);
    console.log(`${String(models).padStart(6)}  ${phase.padEnd(9)} ${String(native[phase]).padStart(9)} ${b.toFixed(0).padStart(11)} ${(b / Math.max(native[phase], 1)).toFixed(1).padStart(6)}`);
  }
  await context.close();
}
await browser.close();
site.close();
