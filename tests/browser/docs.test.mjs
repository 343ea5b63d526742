// The docs (docs/, mdBook), built into the site's docs/ folder by `trunk build`: every link
// of every page leads to a file of the site, and the planners the pages embed (`?embed`
// iframes) render plans, the same as the CLI's for the same inputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, stat, mkdtemp } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { withSiteAndBrowser, openPage, dist, root, cli } from "./harness.mjs";

let site, browser;
withSiteAndBrowser((s, b) => ([site, browser] = [s, b]));

const docs = path.join(dist, "docs");

async function exists(file) {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

test("the docs build with mdbook, and every link and source of every page leads to a file of the site", async () => {
  // The book builds on its own too (as post-build.py builds it), without an error.
  const out = await mkdtemp(path.join(tmpdir(), "migplan-docs-"));
  execFileSync("mdbook", ["build", path.join(root, "docs"), "--dest-dir", out], { stdio: "pipe" });
  assert.ok(await exists(path.join(out, "reading-a-plan.html")));
  // 404.html is written for a server's root (its <base href="/">): the other pages are checked.
  const pages = (await readdir(docs)).filter((f) => f.endsWith(".html") && f !== "404.html");
  for (const want of ["getting-started.html", "files.html", "reading-a-plan.html", "deploying.html", "moving.html",
    "capacity.html", "embedding.html", "cli.html", "how-it-works.html", "figures.html"]) {
    assert.ok(pages.includes(want), `${want} is built`);
  }
  const broken = [];
  let checked = 0;
  for (const page of pages) {
    const html = await readFile(path.join(docs, page), "utf8");
    const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
    for (const [, attr, url] of html.matchAll(/\s(href|src)="([^"]*)"/g)) {
      if (/^(https?:|mailto:|javascript:)/.test(url)) continue;
      checked++;
      const [target, fragment] = url.split("#");
      if (target === "") {
        // A link within the page names an id of it (a share link's fragment is not one).
        if (fragment && !ids.has(fragment)) broken.push(`${page}: ${attr}="${url}"`);
        continue;
      }
      const pathname = target.split("?")[0];
      let file = path.resolve(docs, pathname);
      if (!file.startsWith(dist)) {
        broken.push(`${page}: ${url} leaves the site`);
        continue;
      }
      if (pathname === "" || pathname.endsWith("/")) file = path.join(file, "index.html");
      if (!(await exists(file))) broken.push(`${page}: ${attr}="${url.slice(0, 80)}"`);
      else if (fragment && file.endsWith(".html") && file.startsWith(docs) && !target.includes("?")) {
        const other = await readFile(file, "utf8");
        if (!other.includes(`id="${fragment}"`)) broken.push(`${page}: ${url} names no id of ${path.basename(file)}`);
      }
    }
  }
  assert.deepEqual(broken, []);
  assert.ok(checked > 200, `${checked} links checked`);
  // No page links outside the site but for what it talks about (the iframe snippet's example host).
  const external = [];
  for (const page of pages) {
    const html = await readFile(path.join(docs, page), "utf8");
    for (const [, url] of html.matchAll(/\s(?:href|src)="(https?:[^"]*)"/g)) external.push(url);
  }
  assert.ok(external.every((u) => u.startsWith("https://your.site/")), external.join(" "));
});

/** The GPU count the embedded planner of `page` shows, once it has planned. */
async function embeddedCount(page, docsPage) {
  await page.goto(`${site.url}docs/${docsPage}`);
  const frame = page.frameLocator("iframe.migplan").first();
  await frame.locator("[data-testid=gpu-count]").waitFor({ timeout: 60000 });
  await page.waitForFunction(() => Number(document.querySelector("iframe.migplan").height) !== 640, null, { timeout: 10000 });
  return Number(await frame.locator("[data-testid=gpu-count]").textContent());
}

test("the planners embedded in the docs render the plans the CLI makes of their inputs, sized to their height", async () => {
  const { context, page, errors } = await openPage(browser, site);
  const example = path.join(root, "static/examples");
  const cliCount = (gpu, name) => JSON.parse(cli("plan", "--gpu", gpu, "--profiles", path.join(example, `${name}-profiles.csv`),
    "--workload", path.join(example, `${name}-workload.csv`), "--format", "json")).gpu_count;
  // Reading a plan: the bundled example.
  assert.equal(await embeddedCount(page, "reading-a-plan.html"), cliCount("a100-40gb", "a100-40gb"));
  // Bringing your files: ParvaGPU's measurements, from a share link.
  assert.equal(await embeddedCount(page, "files.html"), cliCount("a100-80gb", "a100-80gb-parvagpu"));
  const frame = page.frameLocator("iframe.migplan").first();
  assert.equal(await frame.locator("[data-testid=link-error]").count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});
