// Figures for the web app, printed, never asserted: wasm sizes, time from page load to the
// first plan on screen, and planning 100 models in the browser against the native CLI.
import { readdir, readFile, stat } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { serve, launch, generated, cliPlan, settledCount, root, upload, solvedForInputs } from "./harness.mjs";

const dist = path.join(root, "dist");
for (const f of (await readdir(dist)).filter((f) => f.endsWith(".wasm") || f.endsWith(".js"))) {
  const body = await readFile(path.join(dist, f));
  console.log(`${f.padEnd(44)} ${(body.length / 1024).toFixed(0).padStart(6)} KiB raw ${(gzipSync(body, { level: 9 }).length / 1024).toFixed(0).padStart(6)} KiB gzip`);
}

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
await browser.close();
site.close();
