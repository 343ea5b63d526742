// The page's deployment downloads in headless Chromium: the mig-parted YAML, the GPU Operator
// ConfigMap and the Kubernetes manifests parsed back and counted against the plan, each the
// text the CLI's `migplan export` writes for the same plan; the SVG opened in Chromium.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile, mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { withSiteAndBrowser, settledCount, cli } from "./harness.mjs";

let site, browser;
withSiteAndBrowser((s, b) => ([site, browser] = [s, b]));

async function downloaded(page, format) {
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(`[data-testid=download-${format}]`)]);
  return { name: download.suggestedFilename(), text: await readFile(await download.path(), "utf8") };
}

/** Profile -> count on one plan GPU, idle instances included. */
function countsOf(gpu) {
  const counts = {};
  for (const i of gpu.instances) counts[i.profile] = (counts[i.profile] ?? 0) + 1;
  return counts;
}

/** The counts mig-parted gives device `d` under `config`: the last entry naming it. */
function countsFor(config, d) {
  let found;
  for (const entry of config) {
    if (entry.devices === "all" || (Array.isArray(entry.devices) && entry.devices.includes(d))) found = entry["mig-devices"];
  }
  return found;
}

test("the mig-parted YAML and the manifests downloaded from the page match the plan's counts", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(site.url);
  const count = await settledCount(page);
  await page.fill("[data-testid=gpus-per-node]", "4");
  await page.waitForFunction((n) => document.querySelectorAll("[data-testid=node]").length === n, Math.ceil(count / 4));
  const rows = await page.$$eval("[data-testid=node]", (trs) =>
    trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent.trim())));
  const plan = JSON.parse((await downloaded(page, "json")).text);
  const byId = new Map(plan.gpus.map((g) => [g.id, g]));

  const migParted = await downloaded(page, "mig-parted");
  assert.match(migParted.name, /\.yaml$/);
  const config = parse(migParted.text);
  assert.deepEqual(Object.keys(config), ["version", "mig-configs"]);
  const seen = [];
  for (const [node, name, ids] of rows) {
    const gpus = ids.split(", ").map(Number);
    assert.ok(gpus.length <= 4, node);
    gpus.forEach((id, d) => {
      assert.deepEqual(countsFor(config["mig-configs"][name], d), countsOf(byId.get(id)), `${node} device ${d}`);
      seen.push(id);
    });
  }
  assert.deepEqual(seen.sort((a, b) => a - b), plan.gpus.map((g) => g.id).sort((a, b) => a - b));

  const operator = await downloaded(page, "gpu-operator");
  const configMap = parse(operator.text);
  assert.equal(configMap.kind, "ConfigMap");
  const inner = parse(configMap.data["config.yaml"]);
  for (const [node, name] of rows) {
    assert.ok(operator.text.includes(`kubectl label node ${node} nvidia.com/mig.config=${name} --overwrite`));
    assert.deepEqual(inner["mig-configs"][name], config["mig-configs"][name]);
  }

  const manifests = await downloaded(page, "k8s");
  const served = {};
  for (const doc of parseAllDocuments(manifests.text)) {
    const d = doc.toJS();
    assert.equal(d.kind, "Deployment");
    const container = d.spec.template.spec.containers[0];
    const [resource, one] = Object.entries(container.resources.limits)[0];
    assert.equal(one, 1);
    const model = container.env.find((e) => e.name === "MODEL_NAME").value;
    const key = `${model} ${resource.replace("nvidia.com/mig-", "")}`;
    served[key] = (served[key] ?? 0) + d.spec.replicas;
  }
  const expected = {};
  for (const i of plan.gpus.flatMap((g) => g.instances).filter((i) => i.model)) {
    const key = `${i.model} ${i.profile}`;
    expected[key] = (expected[key] ?? 0) + 1;
  }
  assert.deepEqual(served, expected);

  // The page writes what the CLI writes for the same plan.
  const dir = await mkdtemp(path.join(os.tmpdir(), "migplan-exports-"));
  const planFile = path.join(dir, "plan.json");
  await writeFile(planFile, JSON.stringify(plan));
  assert.equal(cli("export", "--plan", planFile, "--format", "mig-parted", "--gpus-per-node", "4"), migParted.text);
  assert.equal(cli("export", "--plan", planFile, "--format", "gpu-operator", "--gpus-per-node", "4"), operator.text);
  assert.equal(cli("export", "--plan", planFile, "--format", "k8s"), manifests.text);

  // The setting is saved with the page's state.
  await page.reload();
  await settledCount(page);
  assert.equal(await page.inputValue("[data-testid=gpus-per-node]"), "4");
  assert.deepEqual(errors, []);
  await context.close();
});

test("the SVG download opens in Chromium and draws every instance of the plan", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(site.url);
  await settledCount(page);
  const plan = JSON.parse((await downloaded(page, "json")).text);
  const svg = await downloaded(page, "svg");
  assert.match(svg.name, /\.svg$/);
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), "migplan-svg-")), svg.name);
  await writeFile(file, svg.text);
  const viewer = await context.newPage();
  const errors = [];
  viewer.on("pageerror", (e) => errors.push(e.message));
  await viewer.goto(`file://${file}`);
  const drawn = await viewer.evaluate(() => ({
    root: document.documentElement.localName,
    instances: [...document.querySelectorAll("g.instance")].filter((g) => {
      const box = g.getBBox();
      return box.width > 0 && box.height > 0;
    }).length,
  }));
  assert.equal(drawn.root, "svg");
  assert.equal(drawn.instances, plan.gpus.flatMap((g) => g.instances).length);
  assert.deepEqual(errors, []);
  await context.close();
});
