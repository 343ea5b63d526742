// Starts the planning worker: Trunk builds it as a no-modules script plus its wasm. The page
// opens this file by its stable name; scripts/post-build.py rewrites the two names below to
// the worker's hashed file names, so a worker never mixes files of two builds.
importScripts("./worker.js");
wasm_bindgen("./worker_bg.wasm");
