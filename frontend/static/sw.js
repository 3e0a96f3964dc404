// Daoshi's service worker: keeps the app shell (page, styles, wasm) so the
// app opens without a network, which lets a mentor see and keep the records
// waiting in the outbox. Network first, so an online user always gets the
// current build; GraphQL is never cached.
const CACHE = "daoshi-shell-v2";
const SHELL = ["/", "/boot.js", "/app.css", "/mentoring.css", "/care.css", "/pkg/app.js", "/pkg/app_bg.wasm"];

self.addEventListener("install", (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (e) => {
  e.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", (e) => {
  const req = e.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/graphql")) return;
  // Every route is the one page of the app.
  const key = req.mode === "navigate" ? "/" : url.pathname;
  e.respondWith(
    fetch(req)
      .then((resp) => {
        if (resp.ok) {
          const copy = resp.clone();
          caches.open(CACHE).then((c) => c.put(key, copy));
        }
        return resp;
      })
      .catch(() => caches.match(key).then((r) => r || Response.error())),
  );
});
