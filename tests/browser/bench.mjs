// Figures for the web app, printed, never asserted: wasm and js sizes, time from page load to
// the first plan on screen, planning 100 models in the browser against the native CLI, and
// each phase natively and in the worker on 1,000 and 3,000 models, and the page's own
// responsiveness at 1,000 models (longest blocking task after a plan arrives, keystroke latency
// in the workload table), in one run. `node bench.mjs --page` prints only the last.
// `node bench.mjs --moves [--models 300,1000] [--before DIR]` prints only moves at fleet size:
// generated models planned, marked deployed, demand +30%, Plan the move with the default 10 s
// limit: the time to the move on screen, where the worker's time went, the native CLI's time
// for the same trade-off, and the page's longest tasks while planning and when the move
// arrives; with --before, the same for another build (a dist/ folder), in the same run.
import { readdir, readFile, stat } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { serve, launch, generated, cliPlan, settledCount, root, upload, solvedForInputs, movePlanned, migplan, generatedChange, deployedThenChanged } from "./harness.mjs";

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
const pageOnly = process.argv.includes("--page");
let siteGzip = 0;
for (const f of files.sort()) {
  const body = await readFile(f);
  const gz = gzipSync(body, { level: 9 }).length;
  siteGzip += gz;
  console.log(`${path.relative(dist, f).padEnd(44)} ${(body.length / 1024).toFixed(0).padStart(6)} KiB raw ${(gz / 1024).toFixed(0).padStart(6)} KiB gzip`);
}
console.log(`all wasm + js of the site: ${siteGzip} bytes (${(siteGzip / 1024).toFixed(0)} KiB) gzip`);

const movesOnly = process.argv.includes("--moves");
const option = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : null);
const before = option("--before");
const site = await serve();
const browser = await launch();
if (movesOnly) {
  for (const models of (option("--models") ?? "300,1000").split(",").map(Number)) {
    const files = await generatedChange(models, 1, "up30");
    const native = nativeMove(files);
    console.log(`${models} models, demand +30%, native \`transition --pareto --time-limit 10\`: ${native.ms} ms, ${native.points} points`);
    if (before) {
      const old = await serve(path.resolve(before));
      await moveAtScale(old, files, "before");
      old.close();
    }
    await moveAtScale(site, files, "now");
  }
} else {
  if (!pageOnly) await sitewide();
  await responsiveness(1000);
}
await browser.close();
site.close();

/** The native CLI's trade-off for the same move, and its wall time. */
function nativeMove(files) {
  const plan = path.join(files.dir, "running.json");
  spawnSync(migplan, ["plan", "--gpu", "a100-40gb", "--profiles", files.profiles, "--workload", files.workload, "--format", "json", "--out", plan]);
  const t0 = Date.now();
  const run = spawnSync(migplan, ["transition", "--gpu", "a100-40gb", "--profiles", files.profiles, "--from", plan,
    "--workload-to", files.next, "--pareto", "--time-limit", "10"], { encoding: "utf8" });
  return { ms: Date.now() - t0, points: run.stdout.trim().split("\n").length - 1 };
}

/** The page's main-thread tasks in a Chromium trace: the longest (wall, ms), how long it ran
 * on a core (thread time), and the most any task ran. */
function mainThreadTasks(trace) {
  const events = trace.traceEvents ?? trace;
  const main = new Set(events.filter((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain").map((e) => `${e.pid}:${e.tid}`));
  const tasks = events.filter((e) => e.name === "RunTask" && e.ph === "X" && main.has(`${e.pid}:${e.tid}`));
  const longest = tasks.reduce((a, t) => (t.dur > (a?.dur ?? -1) ? t : a), null);
  return {
    longest: (longest?.dur ?? 0) / 1000,
    ranOfLongest: (longest?.tdur ?? 0) / 1000,
    mostRan: tasks.reduce((m, t) => Math.max(m, t.tdur ?? 0), 0) / 1000,
  };
}

/** A move at fleet size on `on` (a served build): the time to the move on screen and the page's
 * longest tasks while planning and when it arrives. */
async function moveAtScale(on, files, label) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const running = await deployedThenChanged(page, on, files);
  await observe(page);
  // Traced too: on a shared machine a task's wall time counts the time its thread waited for
  // a core; the trace also says how much of it ran (thread time).
  await browser.startTracing(page, { categories: ["disabled-by-default-devtools.timeline"] });
  const t0 = Date.now();
  await page.click("[data-testid=plan-move]");
  let shown = null;
  try {
    // The worker's last message has been handled when the button is enabled again.
    await page.waitForFunction(() => !document.querySelector("[data-testid=plan-move]").disabled, null, { timeout: 1200000, polling: 50 });
    shown = Date.now() - t0;
  } catch (e) {
    errors.push(`no move after 1,200 s: ${e.message.split("\n")[0]}`);
  }
  const arrivedAt = await page.evaluate(() => performance.now());
  await page.waitForTimeout(1500);
  // The task that handled the last message ended just before the button was seen enabled
  // (polled every 50 ms): it and what follows are the move's arrival.
  const tasks = await taken(page, "__longtasks");
  const cpu = mainThreadTasks(JSON.parse((await browser.stopTracing()).toString()));
  const arrival = tasks.filter((t) => t.start + t.duration >= arrivedAt - 100);
  const planning = tasks.filter((t) => t.start + t.duration < arrivedAt - 100);
  const summary = await page.textContent("[data-testid=move-summary]").catch(() => "no move on screen");
  const phases = await page.$eval("[data-testid=move-phases]", (e) => ({ ...e.dataset })).catch(() => null);
  const points = await page.locator("[data-testid=tradeoff-point]").count();
  // Still answering: a step selected, to the next paint.
  await taken(page, "__events");
  const step = page.locator("[data-testid=move-step]").last();
  if (await step.count()) await step.click({ timeout: 10000 }).catch((e) => errors.push(`step: ${e.message.split("\n")[0]}`));
  await page.waitForTimeout(500);
  const click = Math.max(0, ...(await taken(page, "__events")).filter((e) => e.id).map((e) => e.duration));
  const worker = phases ? `; worker: read ${Number(phases.read).toFixed(0)} ms, plan_pareto ${Number(phases.plan).toFixed(0)} ms ` +
    `(sending moves found ${Number(phases.streaming).toFixed(0)} ms), answer ${Number(phases.answer).toFixed(0)} ms` : "";
  console.log(`  ${label}: ${running} running GPUs; move on screen after ${shown ?? "-"} ms${worker}; ${points} trade-off rows drawn; ` +
    `${summary.match(/^[^:]*/)[0]}`);
  console.log(`  ${label}: longest task while planning ${longest(planning).toFixed(0)} ms (${planning.length} over 50 ms), ` +
    `when the move arrives ${longest(arrival).toFixed(0)} ms (${arrival.length} over 50 ms); ` +
    `the longest task ran ${cpu.ranOfLongest.toFixed(0)} ms of its ${cpu.longest.toFixed(0)} ms, the most any task ran ${cpu.mostRan.toFixed(0)} ms; ` +
    `selecting a step ${click.toFixed(0)} ms to the next paint; ` +
    `page errors: ${errors.length ? errors.join(" | ") : "none"}`);
  await context.close();
}

async function sitewide() {
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
}

/** Starts collecting the page's long tasks (main thread busy > 50 ms) and input latencies. */
function observe(page) {
  return page.evaluate(() => {
    window.__longtasks = [];
    window.__events = [];
    new PerformanceObserver((l) => window.__longtasks.push(...l.getEntries().map((e) => ({ start: e.startTime, duration: e.duration }))))
      .observe({ type: "longtask" });
    new PerformanceObserver((l) => window.__events.push(...l.getEntries().map((e) => ({ name: e.name, id: e.interactionId, duration: e.duration }))))
      .observe({ type: "event", durationThreshold: 16 });
  });
}

/** What the observers collected since the last call. */
function taken(page, what) {
  return page.evaluate((what) => { const all = window[what]; window[what] = []; return all; }, what);
}

function longest(tasks) {
  return tasks.reduce((m, t) => Math.max(m, t.duration), 0);
}

/** The page at `models` models: what a plan's arrival blocks, what a keystroke costs. */
async function responsiveness(models) {
  const files = await generated(models, 1);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(site.url);
  await settledCount(page);
  await upload(page, files);
  await page.waitForFunction(() => /\(1000 rows\)/.test(document.body.textContent), null, { timeout: 60000 });
  await observe(page);
  await page.click("[data-testid=solve]");
  await solvedForInputs(page, 300000);
  await page.waitForTimeout(1500);
  const afterPlan = await taken(page, "__longtasks");
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  console.log(`${models} models, plan arrives: longest blocking task ${longest(afterPlan).toFixed(0)} ms (${afterPlan.length} tasks over 50 ms: ${afterPlan.map((t) => t.duration.toFixed(0)).join(", ") || "none"}); page ${height} px tall`);
  await page.click("[data-testid=mark-deployed]");
  await page.waitForTimeout(1000);
  await taken(page, "__events");
  // Ten keystrokes in a rate cell of the workload table, 300 ms apart.
  const cell = page.locator("table.workload tbody tr:not(.spacer)").nth(3).locator("input").nth(1);
  const original = await cell.inputValue();
  await cell.click();
  await page.keyboard.press("End");
  await page.waitForTimeout(500);
  await taken(page, "__longtasks");
  await taken(page, "__events");
  for (const key of "1234567890") {
    await page.keyboard.press(key);
    await page.waitForTimeout(300);
  }
  await page.waitForTimeout(500);
  const typing = await taken(page, "__longtasks");
  // An interaction's latency: its longest event, from the key press to the next paint.
  const perKey = new Map();
  for (const e of (await taken(page, "__events")).filter((e) => e.id)) perKey.set(e.id, Math.max(perKey.get(e.id) ?? 0, e.duration));
  const latencies = [...perKey.values()].sort((a, b) => a - b);
  const median = latencies.length ? latencies[Math.floor(latencies.length / 2)] : 0;
  console.log(`${models} models, typing in the workload table: keystroke latency median ${median.toFixed(0)} ms, max ${(latencies.at(-1) ?? 0).toFixed(0)} ms ` +
    `(${latencies.length} of 10 keystrokes over 16 ms); longest blocking task while typing ${longest(typing).toFixed(0)} ms`);
  // The move from the deployed plan to a workload where that model's demand is ten times, then a
  // click on its last step drawn.
  await cell.fill(String(10 * Number(original)));
  await page.waitForTimeout(500);
  await page.click("[data-testid=plan-move]");
  await movePlanned(page, 1200000);
  await page.waitForTimeout(1500);
  const afterMove = await taken(page, "__longtasks");
  const steps = await page.locator("[data-testid=move-step]").count();
  await taken(page, "__events");
  if (steps > 0) await page.locator("[data-testid=move-step]").last().click();
  await page.waitForTimeout(500);
  const click = Math.max(0, ...(await taken(page, "__events")).filter((e) => e.id).map((e) => e.duration));
  const summary = (await page.textContent("[data-testid=move-summary]")).match(/^[^:]*/)[0];
  console.log(`${models} models, a move (${summary}, ${steps} drawn) arrives: longest blocking task ${longest(afterMove).toFixed(0)} ms; ` +
    `selecting a step: ${click.toFixed(0)} ms to the next paint (0: under 16 ms)`);
  await context.close();
}
