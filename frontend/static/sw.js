// Daoshi's service worker: keeps the app shell (page, styles, wasm) so the
// app opens without a network, which lets a mentor see and keep the records
// waiting in the outbox. Network first, so an online user always gets the
// current build; GraphQL is never cached.
const CACHE = "daoshi-shell-v3";
const SHELL = ["/", "/boot.js", "/push.js", "/app.css", "/mentoring.css", "/care.css", "/pkg/app.js", "/pkg/app_bg.wasm"];

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

// Web Push (issue 14): the server sends a notice's title, text and in-app
// link, encrypted for this device (RFC 8291); the browser decrypts it.
self.addEventListener("push", (e) => {
  let msg = { title: "导师制", body: "", link: "/inbox" };
  try {
    msg = Object.assign(msg, e.data ? e.data.json() : {});
  } catch (_) {
    // Not JSON: show the default.
  }
  e.waitUntil(
    self.registration.showNotification(msg.title, {
      body: msg.body,
      data: { link: msg.link },
      tag: msg.link,
    }),
  );
});

self.addEventListener("notificationclick", (e) => {
  e.notification.close();
  const link = (e.notification.data && e.notification.data.link) || "/inbox";
  const url = new URL(link.startsWith("/") ? link : "/inbox", self.location.origin).href;
  e.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((list) => {
      for (const c of list) {
        if (c.url.startsWith(self.location.origin) && "focus" in c) {
          return c.navigate(url).then((w) => (w || c).focus());
        }
      }
      return self.clients.openWindow(url);
    }),
  );
});
