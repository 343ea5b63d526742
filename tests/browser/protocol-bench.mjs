// Figures, never asserted: the worker protocol's two encodings on the `Done` message of a
// 1,000-model plan. JSON strings (serde_json in wasm, what protocol.rs sends) against JS
// objects (serde-wasm-bindgen); between encode and decode, structuredClone, the copy
// postMessage makes. It builds crates/migplan-web/examples/protocol_bench.rs for wasm32 and
// runs it in node (V8, as in Chromium). Run: node tests/browser/protocol-bench.mjs [models]
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { root, generated, cliPlan } from "./harness.mjs";

const models = Number(process.argv[2] ?? 1000);
const out = path.join(root, "target/protocol-bench");
execFileSync("cargo", ["build", "--release", "--target", "wasm32-unknown-unknown", "-p", "migplan-web", "--example", "protocol_bench"],
  { cwd: root, stdio: "inherit" });
execFileSync("wasm-bindgen", ["--target", "nodejs", "--out-dir", out,
  path.join(root, "target/wasm32-unknown-unknown/release/examples/protocol_bench.wasm")], { stdio: "inherit" });
const bench = createRequire(import.meta.url)(path.join(out, "protocol_bench.js"));

const files = await generated(models, 1);
const plan = cliPlan(files.profiles, files.workload, "--solver", "greedy");
console.log(`Done message of a ${bench.prepare(JSON.stringify(plan))}-model plan on ${plan.gpu_count} GPUs`);

function time(encode, decode, rounds) {
  const ms = { encode: 0, clone: 0, decode: 0 };
  for (let i = 0; i < rounds; i++) {
    let t = performance.now();
    const sent = encode();
    ms.encode += performance.now() - t;
    t = performance.now();
    const received = structuredClone(sent);
    ms.clone += performance.now() - t;
    t = performance.now();
    decode(received);
    ms.decode += performance.now() - t;
    if (!bench.came_through()) throw new Error("the message did not come through whole");
  }
  for (const k of Object.keys(ms)) ms[k] /= rounds;
  return ms;
}

const rounds = 20;
time(bench.encode_json, bench.decode_json, 3); // warm up both
time(bench.encode_object, bench.decode_object, 3);
console.log(`mean of ${rounds} rounds, ms   encode   clone  decode   total`);
for (const [name, encode, decode] of [["JSON string", bench.encode_json, bench.decode_json], ["JS objects (serde-wasm-bindgen)", bench.encode_object, bench.decode_object]]) {
  const ms = time(encode, decode, rounds);
  const total = ms.encode + ms.clone + ms.decode;
  console.log(`${name.padEnd(32)} ${[ms.encode, ms.clone, ms.decode, total].map((v) => v.toFixed(2).padStart(7)).join(" ")}`);
}
console.log(`JSON text: ${(bench.encode_json().length / 1024).toFixed(0)} KiB`);
