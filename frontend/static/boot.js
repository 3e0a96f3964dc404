// Starts the wasm app. A file of its own, not an inline script: the
// Content-Security-Policy allows this origin's scripts only.
import init from "/pkg/app.js";
init({ module_or_path: "/pkg/app_bg.wasm" });
