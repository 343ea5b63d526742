// Starts the planning worker: the page's own wasm binary, loaded in this module worker, where
// its main sees a worker scope and serves planning requests instead of drawing the page.
// scripts/post-build.py rewrites the two names below to the binary's hashed file names, so a
// worker never mixes files of two builds.
import init from "./app.js";
init({ module_or_path: "./app_bg.wasm" });
