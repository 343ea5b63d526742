// "Read the running cluster": a cluster deployed from the CLI's plan of the example (nodes,
// ConfigMap and pods as kubectl shows them) becomes the running plan, a move is planned from
// it, and its runbook and ConfigMap download: a bash script that parses, a ConfigMap keeping
// the cluster's configs.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { parse } from "yaml";
import { withSiteAndBrowser, settledCount, demandFallsAndMovePlanned, root, openPage, cli, cliPlan } from "./harness.mjs";

let site, browser;
withSiteAndBrowser((s, b) => ([site, browser] = [s, b]));

/** The cluster the CLI's plan runs on, as `kubectl get nodes/pods -o json` and the ConfigMap. */
async function deployedCluster() {
  const examples = path.join(root, "static/examples");
  const plan = cliPlan(path.join(examples, "a100-40gb-profiles.csv"), path.join(examples, "a100-40gb-workload.csv"));
  const dir = await mkdtemp(path.join(tmpdir(), "migplan-cluster-"));
  const planFile = path.join(dir, "plan.json");
  await writeFile(planFile, JSON.stringify(plan));
  const configMap = cli("export", "--plan", planFile, "--format", "gpu-operator", "--gpus-per-node", "4", "--node-names", "node-1,node-2");
  const nodes = [], pods = [];
  // The ConfigMap's comments say which plan GPUs are devices 0, 1, .. of each node.
  for (const [, node, config, ids] of configMap.matchAll(/^#\s+(node-\d+) \((\S+)\): ([\d, ]+)$/gm)) {
    const gpus = ids.split(",").map((id) => plan.gpus.find((g) => g.id === Number(id)));
    const capacity = {};
    for (const i of gpus.flatMap((g) => g.instances)) {
      capacity[`nvidia.com/mig-${i.profile}`] = String(Number(capacity[`nvidia.com/mig-${i.profile}`] ?? 0) + 1);
      if (!i.model) continue;
      const env = [{ name: "MODEL_NAME", value: i.model }, { name: "BATCH_SIZE", value: String(i.batch) }];
      pods.push({ metadata: { name: `pod-${pods.length}`, namespace: "default" }, status: { phase: "Running" },
        spec: { nodeName: node, containers: [{ name: "server", env, resources: { limits: { [`nvidia.com/mig-${i.profile}`]: "1" } } }] } });
    }
    nodes.push({ metadata: { name: node, labels: { "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-40GB", "nvidia.com/gpu.count": "4",
      "nvidia.com/mig.config": config, "nvidia.com/mig.config.state": "success" } }, status: { capacity } });
  }
  const files = { nodes: path.join(dir, "nodes.json"), config: path.join(dir, "configmap.yaml"), pods: path.join(dir, "pods.json") };
  await writeFile(files.nodes, JSON.stringify({ kind: "NodeList", items: nodes }));
  await writeFile(files.config, configMap);
  await writeFile(files.pods, JSON.stringify({ kind: "PodList", items: pods }));
  return { plan, files, dir };
}

test("a cluster read from kubectl's files is the running plan, and its move downloads a runbook", async () => {
  const { plan, files, dir } = await deployedCluster();
  const { context, page, errors } = await openPage(browser, site);
  await page.goto(site.url);
  await settledCount(page);
  await page.click("[data-testid=cluster-read-summary]");
  await page.setInputFiles("[data-testid=cluster-nodes]", files.nodes);
  await page.setInputFiles("[data-testid=cluster-mig-config]", files.config);
  await page.setInputFiles("[data-testid=cluster-pods]", files.pods);
  await page.click("[data-testid=cluster-read]");
  await page.waitForFunction(() => /read from the cluster/.test(document.querySelector("[data-testid=running-plan]")?.textContent ?? ""));
  assert.match(await page.textContent("[data-testid=running-plan]"), new RegExp(`^${plan.gpu_count} GPUs, read from the cluster \\(nodes.json\\)`));
  // New demand: every model down 30%; the move starts from the cluster's plan.
  await demandFallsAndMovePlanned(page);
  assert.equal(await page.locator("[data-testid=move-deploy-cluster]").count(), 1, "the plain move downloads defer to the cluster's");
  const [runbook] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=move-runbook]")]);
  const script = path.join(dir, "runbook.sh");
  await runbook.saveAs(script);
  const text = await readFile(script, "utf8");
  assert.match(text, /^#!\/usr\/bin\/env bash\n/);
  assert.match(text, /\nset -euo pipefail\n/);
  execFileSync("bash", ["-n", script]);
  const [configMap] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=cluster-move-gpu-operator]")]);
  const doc = parse((await readFile(await configMap.path(), "utf8")));
  const configs = parse(doc.data["config.yaml"])["mig-configs"];
  assert.ok(configs["migplan-a"] && configs["migplan-b"], `the cluster's configs kept: ${Object.keys(configs)}`);
  for (const [, config] of text.matchAll(/^  repartition \S+ (\S+)/gm)) assert.ok(configs[config], `${config} in the ConfigMap`);
  assert.deepEqual(errors, []);
  await context.close();
});
