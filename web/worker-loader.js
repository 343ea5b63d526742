// Starts the planning worker: Trunk builds it as a no-modules script plus its wasm. The page
// opens this file by its stable name; scripts/post-build.py rewrites the two names below to
// the worker's hashed file names, so a worker never mixes files of two builds. wasm-bindgen's
// init takes one object (a bare path is deprecated and logs a warning).
importScripts("./worker.js");
wasm_bindgen({ module_or_path: "./worker_bg.wasm" });
