// The JS API (dist/api/migplan.js) and its example page, in headless Chromium: the plan it
// returns passes `migplan validate`; rows as objects, errors, and AbortSignal.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile, readFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { withSiteAndBrowser, generated, cli, root } from "./harness.mjs";

let site, browser;
withSiteAndBrowser((s, b) => ([site, browser] = [s, b]));

const example = path.join(root, "static/examples");

/** `migplan validate` on a plan of the bundled example; throws when it fails. */
async function validated(plan, workload = path.join(example, "a100-40gb-workload.csv")) {
  const file = path.join(root, "target", `api-plan-${process.pid}.json`);
  await writeFile(file, JSON.stringify(plan));
  return cli("validate", "--gpu", "a100-40gb", "--profiles", path.join(example, "a100-40gb-profiles.csv"), "--workload", workload, "--plan", file);
}

test("the API example page computes a plan that passes migplan validate", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(`${site.url}demo/api.html`);
  await page.waitForFunction(() => document.querySelector("[data-testid=api-status]").textContent.startsWith("planned"), null, { timeout: 60000 });
  const plan = JSON.parse(await page.textContent("[data-testid=api-plan]"));
  assert.equal(Number(await page.textContent("[data-testid=api-gpu-count]")), plan.gpu_count);
  assert.equal(plan.gpu, "a100-40gb");
  await validated(plan);
  const reference = JSON.parse(cli("plan", "--gpu", "a100-40gb", "--profiles", path.join(example, "a100-40gb-profiles.csv"),
    "--workload", path.join(example, "a100-40gb-workload.csv"), "--format", "json"));
  assert.equal(plan.gpu_count, reference.gpu_count);
  assert.match(await page.textContent("[data-testid=api-layouts]"), /^12 maximal layouts on the A100-40GB/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the planner page's offline cache leaves the JS API out: its visitors do not download it", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(site.url);
  await page.waitForFunction(() => document.documentElement.dataset.offlineReady === "true", null, { timeout: 60000 });
  const paths = await page.evaluate(async () => {
    const names = (await caches.keys()).filter((n) => n.startsWith("migplan-"));
    const cache = await caches.open(names[0]);
    return (await cache.keys()).map((r) => new URL(r.url).pathname);
  });
  assert.ok(paths.some((p) => p.endsWith("index.html")), paths.join(" "));
  assert.deepEqual(paths.filter((p) => p.includes("/api/") || p.includes("/demo/")), []);
  await context.close();
});

test("after one visit demo/api.html and api/migplan.js work offline", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${site.url}demo/api.html`);
  await page.waitForFunction(() => document.documentElement.dataset.offlineReady === "true", null, { timeout: 60000 });
  const kept = await page.evaluate(async () => {
    const names = (await caches.keys()).filter((n) => n.startsWith("migplan-"));
    const cache = await caches.open(names[0]);
    return (await cache.keys()).map((r) => new URL(r.url).pathname);
  });
  for (const file of ["/demo/api.html", "/demo/api.js", "/api/migplan.js", "/api/plan-worker.js"]) {
    assert.ok(kept.includes(file), `${file} is kept: ${kept.filter((k) => /api|demo/.test(k)).join(" ")}`);
  }
  await context.setOffline(true);
  await page.reload();
  await page.waitForFunction(() => document.querySelector("[data-testid=api-status]").textContent.startsWith("planned"), null, { timeout: 60000 });
  assert.ok(Number(await page.textContent("[data-testid=api-gpu-count]")) > 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test("rows as objects plan too; a bad row is named by its index; an AbortSignal stops a long solve", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${site.url}demo/api.html`);
  const profiles = await readFile(path.join(example, "a100-40gb-profiles.csv"), "utf8");
  const workloadCsv = await readFile(path.join(example, "a100-40gb-workload.csv"), "utf8");
  const rows = workloadCsv.trim().split("\n").slice(1).map((l) => {
    const [model, rate, slo_ms] = l.split(",");
    return { model, rate: Number(rate), slo_ms: Number(slo_ms) };
  });
  const plan = await page.evaluate(async ({ profiles, rows }) => {
    const api = await import("../api/migplan.js");
    return api.plan(profiles, rows, { solver: "exact", seed: 7 });
  }, { profiles, rows });
  await validated(plan);

  const refused = await page.evaluate(async ({ profiles, rows }) => {
    const api = await import("../api/migplan.js");
    rows[2].rate = "lots";
    try {
      await api.plan(profiles, rows);
      return null;
    } catch (e) {
      return { message: e.message, errors: e.errors };
    }
  }, { profiles, rows });
  assert.ok(refused, "a bad row must be refused");
  assert.equal(refused.errors[0].file, "workload");
  assert.equal(refused.errors[0].row, 2);
  assert.match(refused.message, /workload\[2\]/);

  // NaN and Infinity as what they are, every bad row and option at once, "Error:" said once.
  const every = await page.evaluate(async ({ profiles, rows }) => {
    const api = await import("../api/migplan.js");
    rows[1].rate = NaN;
    rows[4].slo_ms = Infinity;
    try {
      await api.plan(profiles, rows, { time_limit_s: "soon" });
      return null;
    } catch (e) {
      return { message: e.message, text: String(e), errors: e.errors };
    }
  }, { profiles, rows });
  assert.ok(every, "NaN and Infinity must be refused");
  const places = every.errors.map((e) => [e.row, e.column]);
  assert.deepEqual(places, [[null, "time_limit_s"], [1, "rate"], [4, "slo_ms"]], JSON.stringify(every.errors));
  assert.match(every.errors[1].message, /NaN is not a number/);
  assert.doesNotMatch(every.text, /Error: .*Error:/);

  const files = await generated(1000, 3);
  const [bigProfiles, bigWorkload] = await Promise.all([readFile(files.profiles, "utf8"), readFile(files.workload, "utf8")]);
  const aborted = await page.evaluate(async ({ bigProfiles, bigWorkload }) => {
    const api = await import("../api/migplan.js");
    const controller = new AbortController();
    const t0 = performance.now();
    const solving = api.plan(bigProfiles, bigWorkload, { solver: "ga", time_limit_s: 60 }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 500);
    try {
      await solving;
      return { settled: "resolved", ms: performance.now() - t0 };
    } catch (e) {
      return { settled: e.name, ms: performance.now() - t0 };
    }
  }, { bigProfiles, bigWorkload });
  assert.equal(aborted.settled, "AbortError");
  assert.ok(aborted.ms < 30000, `aborted after ${aborted.ms} ms of a 60 s solve`);
  await context.close();
});

test("a profiler's files plan through the JS API on the rows migplan import reads; skipped rows are warned of", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const warnings = [];
  page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
  await page.goto(`${site.url}demo/api.html`);
  const dir = path.join(root, "tests/fixtures/import");
  const names = ["bert@1g.5gb@b2.csv", "resnet50@3g.20gb@b8.csv"];
  const files = await Promise.all(names.map(async (name) => ({ name, text: await readFile(path.join(dir, name), "utf8") })));
  const workload = "model,rate,slo_ms\nbert,150,20\nresnet50,700,40\n";
  const plan = await page.evaluate(async ({ files, workload }) => {
    const api = await import("../api/migplan.js");
    return api.plan(files, workload, { solver: "exact" });
  }, { files, workload });
  const work = await mkdtemp(path.join(tmpdir(), "migplan-api-import-"));
  const [imported, workloadFile, planFile] = ["profiles.csv", "workload.csv", "plan.json"].map((f) => path.join(work, f));
  cli("import", "--gpu", "a100-40gb", ...names.map((n) => path.join(dir, n)), "--out", imported);
  await writeFile(workloadFile, workload);
  await writeFile(planFile, JSON.stringify(plan));
  cli("validate", "--gpu", "a100-40gb", "--profiles", imported, "--workload", workloadFile, "--plan", planFile);
  assert.ok(plan.gpu_count > 0);
  assert.ok(warnings.some((w) => w.includes("bert@1g.5gb@b2.csv:4: skipped")), `warnings: ${warnings.join(" | ")}`);
  await context.close();
});
