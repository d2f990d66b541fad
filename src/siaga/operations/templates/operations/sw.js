{% load static %}// Siaga field page service worker: keeps the page and its assets for offline use.
const CACHE = "siaga-field-v3";  // v3: the report form with posts, GPS, photo and outbox
const ASSETS = ["{% url 'operations:field' %}", "{% static 'siaga/siaga.css' %}", "{% static 'siaga/page.js' %}", "{% static 'operations/operations.css' %}", "{% static 'operations/field.js' %}", "{% static 'operations/field.css' %}"];
self.addEventListener("install", (e) => { e.waitUntil(caches.open(CACHE).then((c) => c.addAll(ASSETS)).then(() => self.skipWaiting())); });
self.addEventListener("activate", (e) => { e.waitUntil(self.clients.claim()); });
self.addEventListener("fetch", (e) => {
  const req = e.request;
  if (req.method !== "GET" || !ASSETS.some((a) => new URL(req.url).pathname === a)) return;
  // Network first so officers get fresh pages; the cache when the network is gone.
  e.respondWith(fetch(req).then((res) => {
    const copy = res.clone();
    caches.open(CACHE).then((c) => c.put(req, copy));
    return res;
  }).catch(() => caches.match(req)));
});
