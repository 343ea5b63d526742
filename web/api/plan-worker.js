// One plan() call of migplan.js: plans the request it receives and posts the plan, or the
// refusal's message and problems (an Error's own fields do not survive postMessage).
import init, { plan } from "../app.js";

const ready = init({ module_or_path: new URL("../app_bg.wasm", import.meta.url) });

onmessage = async ({ data }) => {
  await ready;
  try {
    postMessage({ plan: plan(data.profiles, data.workload, data.options) });
  } catch (error) {
    postMessage({ message: String(error?.message ?? error), errors: error?.errors ?? [] });
  }
};
