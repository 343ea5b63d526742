// The web app end to end in headless Chromium, against the native CLI as the reference.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile, mkdir, readFile, readdir } from "node:fs/promises";
import { createHash } from "node:crypto";
import path from "node:path";
import { withSiteAndBrowser, generated, cliPlan, settledCount, root, dist, upload, solvedForInputs, movePlanned, openPage, startSlowSolve } from "./harness.mjs";

let site, browser;
withSiteAndBrowser((s, b) => ([site, browser] = [s, b]));

/** A page in a fresh context, collecting what must never happen (`harness.openPage`). */
function freshPage(viewport) {
  return openPage(browser, site, viewport);
}

/** The example's GPU count by the CLI. */
function exampleCount() {
  const example = path.join(root, "static/examples");
  return cliPlan(path.join(example, "a100-40gb-profiles.csv"), path.join(example, "a100-40gb-workload.csv")).gpu_count;
}

/** The cache names that start with "migplan", each with the paths of what it holds. */
function migplanCaches(page) {
  return page.evaluate(async () => {
    const names = (await caches.keys()).filter((n) => n.startsWith("migplan"));
    return Promise.all(names.map(async (name) => ({
      name,
      paths: (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname.replace(/^\//, "")),
    })));
  });
}

test("a first visit plans the bundled example and draws every GPU", async () => {
  const { context, page, errors } = await freshPage();
  await page.goto(site.url);
  const count = await settledCount(page);
  const example = path.join(root, "static/examples");
  const reference = cliPlan(path.join(example, "a100-40gb-profiles.csv"), path.join(example, "a100-40gb-workload.csv"));
  assert.equal(count, reference.gpu_count);
  const pictures = await page.$$("[data-testid=plan-gpus] [data-testid=gpu]");
  assert.ok(pictures.length >= 1 && pictures.length <= count, `${pictures.length} pictures for ${count} GPUs`);
  const drawn = await page.$$eval("[data-testid=plan-gpus] .instance", (els) => els.length);
  assert.ok(drawn >= pictures.length);
  assert.match(await page.textContent("[data-testid=bound]"), /proven optimal|lower bound/);
  // How long each phase took in the worker, as numbers the benchmark reads.
  const phases = await page.$eval("[data-testid=phases]", (e) => ({ ...e.dataset }));
  for (const phase of ["build", "bound", "search", "validate"]) assert.ok(Number(phases[phase]) >= 0, JSON.stringify(phases));
  assert.deepEqual(errors, []);
  await mkdir(path.join(root, "target/screenshots"), { recursive: true });
  await page.screenshot({ path: path.join(root, "target/screenshots/desktop-1280x800.png"), fullPage: false });
  await context.close();
});

test("the phone layout shows the plan too", async () => {
  const { context, page, errors } = await freshPage({ width: 390, height: 844 });
  await page.goto(site.url);
  assert.ok((await settledCount(page)) > 0);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`);
  await page.screenshot({ path: path.join(root, "target/screenshots/phone-390x844.png"), fullPage: false });
  assert.deepEqual(errors, []);
  await context.close();
});

test("uploaded CSVs give the GPU count the CLI gives", async () => {
  const files = await generated(24, 7);
  const { context, page, errors } = await freshPage();
  await page.goto(site.url);
  await settledCount(page);
  await upload(page, files);
  await page.waitForFunction(() => document.querySelector(".stale"));
  await page.click("[data-testid=solve]");
  await solvedForInputs(page);
  const count = await settledCount(page);
  assert.equal(count, cliPlan(files.profiles, files.workload).gpu_count);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a long solve streams progress, and cancel keeps the best plan", async () => {
  const files = await generated(300, 3);
  const { context, page, errors } = await freshPage();
  await startSlowSolve(page, site, files, 300);
  await page.waitForFunction(() => /solving/.test(document.querySelector("[data-testid=status]").textContent));
  assert.ok(await page.isVisible(".stale"), "the previous plan is marked as such while solving");
  // Progress: a plan for these inputs is drawn while the worker keeps searching.
  await page.waitForFunction(() => !document.querySelector(".stale"), null, { timeout: 60000 });
  assert.ok(await page.isEnabled("[data-testid=cancel]"), "still solving");
  const during = Number(await page.textContent("[data-testid=gpu-count]"));
  await page.waitForTimeout(1500);
  await page.click("[data-testid=cancel]");
  await page.waitForFunction(() => /cancelled/.test(document.querySelector("[data-testid=status]").textContent));
  assert.match(await page.textContent("[data-testid=status]"), /kept the best plan found/);
  const kept = Number(await page.textContent("[data-testid=gpu-count]"));
  assert.ok(kept > 0 && kept <= during, `kept ${kept}, saw ${during}`);
  assert.ok(await page.isEnabled("[data-testid=solve]"));
  assert.ok(await page.isDisabled("[data-testid=cancel]"));
  assert.deepEqual(errors, []);
  await context.close();
});

test("a reload keeps the inputs and the plan", async () => {
  const { context, page, errors } = await freshPage();
  await page.goto(site.url);
  await settledCount(page);
  const rate = page.locator("table.workload tbody tr").first().locator("input").nth(1);
  await rate.fill("1234");
  await page.selectOption("[data-testid=gpu-select]", "a100-40gb");
  await page.fill("[data-testid=seed]", "42");
  await page.reload();
  await page.waitForSelector("[data-testid=gpu-count]");
  assert.equal(await page.locator("table.workload tbody tr").first().locator("input").nth(1).inputValue(), "1234");
  assert.equal(await page.inputValue("[data-testid=seed]"), "42");
  // The plan from before the edit is still there, marked out of date.
  assert.ok(await page.isVisible(".stale"));
  assert.deepEqual(errors, []);
  await context.close();
});

test("Headroom % plans as plan --headroom does, says what the measured demand takes, and survives a reload", async () => {
  const { context, page, errors } = await freshPage();
  await page.goto(site.url);
  await settledCount(page);
  await page.fill("[data-testid=headroom]", "50");
  await page.click("[data-testid=solve]");
  await solvedForInputs(page);
  const example = path.join(root, "static/examples");
  const reference = cliPlan(path.join(example, "a100-40gb-profiles.csv"), path.join(example, "a100-40gb-workload.csv"), "--headroom", "50");
  assert.equal(Number(await page.textContent("[data-testid=gpu-count]")), reference.gpu_count);
  assert.equal(await page.textContent("[data-testid=headroom-summary]"),
    `headroom 50%: ${reference.gpu_count} GPUs against ${reference.headroom.gpus_without} for the measured demand`);
  await page.reload();
  await page.waitForSelector("[data-testid=gpu-count]");
  assert.equal(await page.inputValue("[data-testid=headroom]"), "50");
  assert.deepEqual(errors, []);
  await context.close();
});

test("a malformed CSV is reported with its line and column", async () => {
  const { context, page, errors } = await freshPage();
  await page.goto(site.url);
  await settledCount(page);
  const bad = path.join((await generated(3, 1)).dir, "broken-workload.csv");
  await writeFile(bad, "model,rate,slo_ms\nsynthetic-000,100,50\nsynthetic-001,fast,50\n");
  await page.setInputFiles("[data-testid=workload-input]", bad);
  await page.waitForSelector("[data-testid=input-error]");
  const text = await page.textContent("[data-testid=input-error]");
  assert.match(text, /broken-workload\.csv, line 3, column rate/);
  // What the user uploaded is kept, bad value included.
  assert.equal(await page.locator("table.workload tbody tr").nth(1).locator("input").nth(1).inputValue(), "fast");
  assert.deepEqual(errors, []);
  await context.close();
});

test("after one visit the planner works offline", async () => {
  const { context, page, errors } = await freshPage();
  await page.goto(site.url);
  await settledCount(page);
  await page.waitForFunction(() => document.documentElement.dataset.offlineReady === "true", null, { timeout: 30000 });
  await context.setOffline(true);
  await page.reload();
  await page.click("[data-testid=solve]");
  assert.ok((await settledCount(page)) > 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test("same solver and seed give the plan the native CLI gives (wasm32 = native)", async () => {
  const files = await generated(24, 5);
  const { context, page, errors } = await freshPage();
  await page.goto(site.url);
  await settledCount(page);
  await upload(page, files);
  await page.selectOption("[data-testid=solver-select]", "ga");
  await page.fill("[data-testid=seed]", "5");
  await page.click("[data-testid=solve]");
  await solvedForInputs(page);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=download-json]")]);
  const browserPlan = JSON.parse(await (await import("node:fs/promises")).readFile(await download.path(), "utf8"));
  const nativePlan = cliPlan(files.profiles, files.workload, "--solver", "ga", "--seed", "5");
  // The GA stops when it meets the bound, after the same number of generations on both.
  assert.equal(nativePlan.solver.termination, "optimal");
  assert.deepEqual(browserPlan.gpus, nativePlan.gpus);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a changed workload gets a move from the running plan, step by step", async () => {
  const { context, page, errors } = await freshPage();
  await page.goto(site.url);
  const running = await settledCount(page);
  // The plan above is deployed; then the first model's demand triples.
  await page.click("[data-testid=mark-deployed]");
  const rate = page.locator("table.workload tbody tr").first().locator("input").nth(1);
  await rate.fill(String(Number(await rate.inputValue()) * 3));
  await page.fill("[data-testid=spare]", "4");
  await page.click("[data-testid=plan-move]");
  await movePlanned(page);
  const summary = await page.textContent("[data-testid=move-summary]");
  const [, from, to, steps] = summary.match(/(\d+) → (\d+) GPUs in (\d+) steps/).map(Number);
  assert.equal(from, running);
  assert.ok(to >= from && steps >= 1, summary);
  assert.match(summary, /Drain and rebuild: \d+ created/);
  const items = page.locator("[data-testid=move] ol.steps > li");
  assert.equal(await items.count(), steps);
  await items.last().click();
  assert.ok((await page.locator("[data-testid=move-gpus] [data-testid=gpu]").count()) >= 1);
  await items.nth(Math.min(1, steps - 1)).click();
  await page.locator("[data-testid=move]").screenshot({ path: path.join(root, "target/screenshots/move-1280.png") });
  // Every capacity chip shows the model at or above its floor.
  const chips = await page.$$eval("[data-testid=move] .chip", (els) => els.map((e) => e.textContent.match(/ (\d+)\/(\d+)$/)).filter(Boolean).map((m) => [Number(m[1]), Number(m[2])]));
  assert.ok(chips.length > 0);
  for (const [have, floor] of chips) assert.ok(have >= floor - 1, `${have} < ${floor}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test("planning a move streams progress, and cancel keeps the best move so far", async () => {
  const files = await generated(300, 3);
  const { context, page, errors } = await freshPage();
  await page.goto(site.url);
  await settledCount(page);
  await upload(page, files);
  await page.click("[data-testid=solve]");
  await solvedForInputs(page);
  const running = Number(await page.textContent("[data-testid=gpu-count]"));
  await page.click("[data-testid=mark-deployed]");
  // Demand grows by 30%: the move must be planned, with a solver that keeps searching.
  const grown = path.join(files.dir, "grown-workload.csv");
  const lines = (await readFile(files.workload, "utf8")).trim().split("\n");
  await writeFile(grown, [lines[0], ...lines.slice(1).map((l) => {
    const [model, rate, slo] = l.split(",");
    return `${model},${Math.round(Number(rate) * 1.3)},${slo}`;
  })].join("\n") + "\n");
  await page.setInputFiles("[data-testid=workload-input]", grown);
  await page.selectOption("[data-testid=solver-select]", "mig-serving");
  await page.fill("[data-testid=time-limit]", "300");
  await page.fill("[data-testid=spare]", "10");
  await page.click("[data-testid=plan-move]");
  // Progress: the status runs, and a move to a plan of the new demand is drawn while it does.
  await page.waitForFunction(() => /planning the move/.test(document.querySelector("[data-testid=move-status]")?.textContent ?? ""));
  await page.waitForSelector("[data-testid=move-summary]", { timeout: 60000 });
  assert.ok(await page.isEnabled("[data-testid=cancel-move]"), "still planning");
  const during = await page.textContent("[data-testid=move-summary]");
  await page.click("[data-testid=cancel-move]");
  await page.waitForFunction(() => /cancelled/.test(document.querySelector("[data-testid=move-status]").textContent));
  assert.match(await page.textContent("[data-testid=move-status]"), /kept the best move found/);
  const kept = await page.textContent("[data-testid=move-summary]");
  const [, from, to, steps] = kept.match(/(\d+) → (\d+) GPUs in (\d+) steps/).map(Number);
  assert.equal(from, running);
  assert.ok(to >= running && steps >= 1, kept);
  // The move kept is the best seen: never to more GPUs than the one drawn while planning.
  const [, , toDuring] = during.match(/(\d+) → (\d+) GPUs/).map(Number);
  assert.ok(to <= toDuring, `kept a move to ${to} GPUs after seeing one to ${toDuring}`);
  assert.ok(await page.isDisabled("[data-testid=cancel-move]"));
  assert.ok(await page.isEnabled("[data-testid=plan-move]"));
  assert.deepEqual(errors, []);
  await context.close();
});

test("the built page carries a strict Content-Security-Policy, plans under it, and blocks other origins", async () => {
  const html = await readFile(path.join(dist, "index.html"), "utf8");
  const metas = [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)"/g)];
  assert.equal(metas.length, 1, "one CSP meta");
  const policy = Object.fromEntries(metas[0][1].split(";").map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert.deepEqual(policy["default-src"], ["'none'"]);
  assert.ok(policy["script-src"].includes("'self'") && policy["script-src"].includes("'wasm-unsafe-eval'"));
  assert.ok(!policy["script-src"].includes("'unsafe-inline'"), "no inline scripts but the hashed ones");
  assert.ok(!metas[0][1].includes("'unsafe-eval'"));
  assert.deepEqual(policy["connect-src"], ["'self'"]);
  // Every inline script (Trunk's loader) is named by its hash, and ours is a file now.
  const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].filter((m) => !/\bsrc=/.test(m[1]));
  assert.ok(inline.length >= 1, "Trunk's loader is inline");
  for (const [, , body] of inline) {
    assert.ok(policy["script-src"].includes(`'sha256-${createHash("sha256").update(body).digest("base64")}'`), "inline script hashed");
    assert.ok(!/serviceWorker/.test(body), "the service worker registration is not inline");
  }

  const { context, page, errors } = await freshPage();
  await page.goto(site.url);
  assert.equal(await settledCount(page), exampleCount());
  // The favicon is there, so no first visit logs a 404.
  const icon = await page.evaluate(async () => {
    const r = await fetch(document.querySelector("link[rel=icon]").href);
    return { status: r.status, type: r.headers.get("content-type") };
  });
  assert.deepEqual(icon, { status: 200, type: "image/svg+xml" });
  assert.deepEqual(errors, [], "no CSP error for the page's own files, nothing missing");

  // A request to another origin is refused by the policy, and so is an injected inline script.
  const blocked = await page.evaluate(async () => {
    const violations = [];
    document.addEventListener("securitypolicyviolation", (e) => violations.push({ directive: e.effectiveDirective, uri: e.blockedURI }));
    const fetched = await fetch("http://example.invalid/").then(() => "sent", () => "refused");
    const script = document.createElement("script");
    script.textContent = "window.injected = true;";
    document.head.appendChild(script);
    await new Promise((r) => setTimeout(r, 500));
    return { fetched, injected: window.injected === true, violations };
  });
  assert.equal(blocked.fetched, "refused");
  assert.equal(blocked.injected, false, "an inline script without its hash does not run");
  assert.ok(blocked.violations.some((v) => v.directive === "connect-src" && v.uri.startsWith("http://example.invalid")), JSON.stringify(blocked.violations));
  assert.ok(blocked.violations.some((v) => v.directive === "script-src-elem" && v.uri === "inline"), JSON.stringify(blocked.violations));
  // The page still plans after that.
  await page.fill("[data-testid=seed]", "3");
  await page.click("[data-testid=solve]");
  await solvedForInputs(page);
  assert.equal(await settledCount(page), exampleCount());
  await context.close();
});

test("the service worker keeps this build's files, the worker's (the app's, by hashed names) included, in one versioned cache", async () => {
  const files = await readdir(dist);
  // Trunk writes its 64-bit hash without leading zeros: one build in sixteen has 15 digits.
  const workerJs = files.filter((f) => /^app-[0-9a-f]{1,16}\.js$/.test(f));
  const workerWasm = files.filter((f) => /^app-[0-9a-f]{1,16}_bg\.wasm$/.test(f));
  assert.equal(workerJs.length, 1, files.join(" "));
  assert.equal(workerWasm.length, 1, files.join(" "));
  assert.equal(files.filter((f) => f.endsWith(".wasm")).length, 1, `one wasm binary for the page and its worker: ${files.join(" ")}`);
  const loader = await readFile(path.join(dist, "worker-loader.js"), "utf8");
  assert.ok(loader.includes(`"./${workerJs[0]}"`) && loader.includes(`"./${workerWasm[0]}"`), loader);
  const version = (await readFile(path.join(dist, "sw.js"), "utf8")).match(/const VERSION = "([0-9a-f]{16})";/)?.[1];
  assert.ok(version, "sw.js carries the build version");

  const { context, page, errors } = await freshPage();
  // A cache left by the old service worker, and one that is not migplan's.
  await context.addInitScript(() => {
    if (!sessionStorage.getItem("seeded")) {
      sessionStorage.setItem("seeded", "1");
      caches.open("migplan-v1").then((c) => c.put("./old.js", new Response("old")));
      caches.open("someone-else").then((c) => c.put("./theirs.js", new Response("theirs")));
    }
  });
  await page.goto(site.url);
  await settledCount(page);
  await page.waitForFunction(() => document.documentElement.dataset.offlineReady === "true", null, { timeout: 30000 });
  const cached = await migplanCaches(page);
  assert.deepEqual(cached.map((c) => c.name), [`migplan-${version}`], "exactly one migplan cache, this build's");
  for (const f of [workerJs[0], workerWasm[0], "worker-loader.js", "index.html", ""]) {
    assert.ok(cached[0].paths.includes(f), `${f || "the page"} is cached`);
  }
  assert.ok(await page.evaluate(() => caches.has("someone-else")), "other caches are left alone");

  // A new deploy: its service worker replaces the cache with one of the new version.
  const newVersion = "0123456789abcdef";
  site.replace("/sw.js", (await readFile(path.join(dist, "sw.js"), "utf8")).replace(version, newVersion));
  try {
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
    await page.waitForFunction(async (name) => {
      const names = (await caches.keys()).filter((n) => n.startsWith("migplan"));
      return names.length === 1 && names[0] === name;
    }, `migplan-${newVersion}`, { timeout: 30000, polling: 200 });
  } finally {
    site.replace("/sw.js");
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test("a browser that will not save shows a warning until a save works, and the page still plans", async () => {
  const { context, page, errors } = await freshPage();
  await context.addInitScript(() => {
    window.refuseStorage = true;
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (...args) {
      if (window.refuseStorage) throw new DOMException("Setting the value exceeded the quota.", "QuotaExceededError");
      return setItem.apply(this, args);
    };
  });
  await page.goto(site.url);
  assert.equal(await settledCount(page), exampleCount());
  const banner = await page.textContent("[data-testid=save-error]");
  assert.match(banner, /could not be saved in this browser \(the browser's storage for this site is full\)/);
  assert.match(banner, /will not survive a reload\. Download the plan JSON to keep it\./);
  assert.equal(await page.evaluate(() => localStorage.getItem("migplan.state.v1")), null);
  // Storage works again: the next change is saved and the warning goes.
  await page.evaluate(() => { window.refuseStorage = false; });
  await page.fill("[data-testid=seed]", "9");
  await page.waitForSelector("[data-testid=save-error]", { state: "detached" });
  assert.match(await page.evaluate(() => localStorage.getItem("migplan.state.v1")), /"seed":"9"/);
  assert.deepEqual(errors, []);
  await context.close();

  // Storage disabled altogether (the browser throws on reading localStorage): same warning.
  const denied = await freshPage();
  await denied.context.addInitScript(() => {
    Object.defineProperty(window, "localStorage", { get() { throw new DOMException("Access is denied.", "SecurityError"); } });
  });
  await denied.page.goto(site.url);
  assert.equal(await settledCount(denied.page), exampleCount());
  assert.match(await denied.page.textContent("[data-testid=save-error]"), /\(the browser does not let this site store data\)/);
  assert.deepEqual(denied.errors, []);
  await denied.context.close();
});
