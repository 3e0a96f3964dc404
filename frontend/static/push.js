// Web Push for the notification settings screen (issue 14). A file of its
// own (the Content-Security-Policy allows this origin's scripts only): the
// wasm app calls `window.daoshiPush`, each method returning a Promise.
// Subscriptions are made through the service worker (`/sw.js`) with the
// server's VAPID public key; the browser's push service is whatever it
// uses (FCM, Mozilla, Apple, Windows).
(function () {
  function key(b64url) {
    const pad = "=".repeat((4 - (b64url.length % 4)) % 4);
    const raw = atob((b64url + pad).replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }
  function supported() {
    return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  }
  async function registration() {
    return navigator.serviceWorker.ready;
  }
  window.daoshiPush = {
    supported: supported,
    // The current subscription as JSON text, or null.
    current: async function () {
      if (!supported()) return null;
      const s = await (await registration()).pushManager.getSubscription();
      return s ? JSON.stringify(s.toJSON()) : null;
    },
    // Asks permission and subscribes; the subscription as JSON text.
    subscribe: async function (vapidKey) {
      if (!supported()) throw new Error("unsupported");
      const perm = await Notification.requestPermission();
      if (perm !== "granted") throw new Error("denied");
      const reg = await registration();
      const s = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(vapidKey) });
      return JSON.stringify(s.toJSON());
    },
    // Unsubscribes; the endpoint that was subscribed, or null.
    unsubscribe: async function () {
      if (!supported()) return null;
      const s = await (await registration()).pushManager.getSubscription();
      if (!s) return null;
      const endpoint = s.endpoint;
      await s.unsubscribe();
      return endpoint;
    },
  };
})();
