// Starts the planning worker: Trunk builds it as a no-modules script plus its wasm.
importScripts("./worker.js");
wasm_bindgen("./worker_bg.wasm");
