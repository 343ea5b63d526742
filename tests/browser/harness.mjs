// Shared by the browser tests and the browser benchmark: serve dist/ on 127.0.0.1, launch
// Debian's headless Chromium, and run the native CLI for comparison.
import { before, after } from "node:test";
import { createServer } from "node:http";
import { readFile, mkdtemp } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const dist = path.join(root, "dist");
export const migplan = path.join(root, "target/release/migplan");

const types = {
  ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css",
  ".json": "application/json", ".csv": "text/csv", ".png": "image/png", ".svg": "image/svg+xml",
};

/**
 * Serves the built site (`dir`, dist/ by default); resolves to { url, close, replace }.
 * `replace(path, body)` serves `body` for that path instead of the built file (a new
 * deploy), `replace(path)` undoes it.
 */
export async function serve(dir = dist) {
  const replaced = new Map();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    const body = replaced.get(url.pathname);
    if (body !== undefined) {
      return res.writeHead(200, { "content-type": types[path.extname(url.pathname)] ?? "application/octet-stream" }).end(body);
    }
    let file = path.normalize(path.join(dir, decodeURIComponent(url.pathname)));
    if (!file.startsWith(dir)) return res.writeHead(403).end();
    if (url.pathname.endsWith("/")) file = path.join(file, "index.html");
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => server.close(),
    replace: (pathname, body) => (body === undefined ? replaced.delete(pathname) : replaced.set(pathname, body)),
  };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}

/** Runs the native CLI and returns its stdout. */
export function cli(...args) {
  return execFileSync(migplan, args, { encoding: "utf8" });
}

/** Writes a generated workload with the CLI; returns { profiles, workload } paths. */
export async function generated(models, seed) {
  const dir = await mkdtemp(path.join(tmpdir(), "migplan-browser-"));
  cli("generate", "--gpu", "a100-40gb", "--models", String(models), "--seed", String(seed), "--out-dir", dir);
  return { profiles: path.join(dir, "profiles.csv"), workload: path.join(dir, "workload.csv"), dir };
}

/** A generated workload and the same workload after `change` (up30, mixed, ...); returns
 * { profiles, workload, next, dir } paths. */
export async function generatedChange(models, seed, change) {
  const dir = await mkdtemp(path.join(tmpdir(), "migplan-browser-"));
  cli("generate", "--gpu", "a100-40gb", "--models", String(models), "--seed", String(seed), "--out-dir", dir, "--change", change);
  return { profiles: path.join(dir, "profiles.csv"), workload: path.join(dir, "workload.csv"), next: path.join(dir, "workload-new.csv"), dir };
}

/** Opens the page, plans `files`, marks the plan deployed and puts the changed workload in
 * its place: ready for Plan the move. Returns the running plan's GPU count. */
export async function deployedThenChanged(page, site, files) {
  await page.goto(site.url);
  await settledCount(page);
  await upload(page, files);
  await page.click("[data-testid=solve]");
  await solvedForInputs(page, 300000);
  const running = Number(await page.textContent("[data-testid=gpu-count]"));
  await page.click("[data-testid=mark-deployed]");
  await page.setInputFiles("[data-testid=workload-input]", files.next);
  await page.waitForFunction(() => document.querySelector(".stale"), null, { timeout: 60000 });
  return running;
}

/** The CLI's plan for the same files, as JSON. */
export function cliPlan(profiles, workload, ...extra) {
  return JSON.parse(cli("plan", "--gpu", "a100-40gb", "--profiles", profiles, "--workload", workload, "--format", "json", ...extra));
}

/** Waits until no solve is running and a plan is on screen; returns the GPU count. */
export async function settledCount(page, timeout = 60000) {
  await page.waitForFunction(() => {
    const solve = document.querySelector("[data-testid=solve]");
    return solve && !solve.disabled && document.querySelector("[data-testid=gpu-count]");
  }, null, { timeout });
  return Number(await page.textContent("[data-testid=gpu-count]"));
}

/** Uploads generated profiles and workload through the file inputs. */
export async function upload(page, files) {
  await page.setInputFiles("[data-testid=profiles-input]", files.profiles);
  await page.setInputFiles("[data-testid=workload-input]", files.workload);
}

/** Opens the page, uploads `files` and starts a `mig-serving` solve of at most `seconds`: a
 * solve slow enough to edit, cancel or watch while it runs. */
export async function startSlowSolve(page, site, files, seconds) {
  await page.goto(site.url);
  await settledCount(page);
  await upload(page, files);
  await page.selectOption("[data-testid=solver-select]", "mig-serving");
  await page.fill("[data-testid=time-limit]", String(seconds));
  await page.click("[data-testid=solve]");
}

/** Waits until the solve started for the current inputs has finished. */
export async function solvedForInputs(page, timeout = 60000) {
  await page.waitForFunction(
    () => !document.querySelector(".stale") && !document.querySelector("[data-testid=solve]").disabled,
    null,
    { timeout },
  );
}

/** Waits until a move planned from the panel has finished and is on screen. */
export async function movePlanned(page, timeout = 60000) {
  await page.waitForFunction(
    () => document.querySelector("[data-testid=move-summary]") && !document.querySelector("[data-testid=plan-move]").disabled,
    null,
    { timeout },
  );
}

/**
 * A new browser context and page on `site` that collects what must not happen: page errors,
 * requests leaving the page, failed responses, CSP refusals and warnings of the page or its
 * workers. Resolves to { context, page, errors, warnings }.
 */
/**
 * Serves dist/ and launches Chromium before the calling file's tests, closes both after
 * them; `set(site, browser)` hands them to the file.
 */
export function withSiteAndBrowser(set) {
  let site, browser;
  before(async () => {
    site = await serve();
    browser = await launch();
    set(site, browser);
  });
  after(async () => {
    await browser?.close();
    site?.close();
  });
}

export async function openPage(browser, site, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = [];
  const warnings = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("request", (r) => {
    if (!r.url().startsWith(site.url) && !/^(blob|data):/.test(r.url())) errors.push(`request left the page: ${r.url()}`);
  });
  context.on("response", (r) => {
    if (r.status() >= 400) errors.push(`${r.status()} for ${r.url()}`);
  });
  const listen = (m) => {
    if (m.type() === "warning" || m.type() === "error") warnings.push(m.text());
    // The page's own files all pass its Content-Security-Policy.
    if (m.type() === "error" && /Content Security Policy/i.test(m.text())) errors.push(`console: ${m.text()}`);
  };
  page.on("console", listen);
  page.on("worker", (w) => w.on("console", listen));
  return { context, page, errors, warnings };
}

/** The rate cell of the workload table's row `row` (0-based). */
export function rateCell(page, row = 0) {
  return page.locator("table.workload tbody tr:not(.spacer)").nth(row).locator("input").nth(1);
}
