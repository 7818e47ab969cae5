// tinbao's service worker: keeps the pages, their assets and the administrative units
// already looked at, so that the form opens and its place picker works without a
// signal. It keeps no tip and no receipt: drafts live in the page's storage (app.js),
// and posts always go to the network.
"use strict";
var VERSION = "__VERSION__";
var ASSETS = ["__ASSETS__"];
var PAGES = ["/", "/report", "/track", "/guidance"];
var CACHE = "tinbao-" + VERSION;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE)
      .then(function (cache) { return cache.addAll(ASSETS.concat(PAGES)); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (keys) {
        return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (ASSETS.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(url.pathname).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  // Lists of units (public reference data): the network first, the last answer kept.
  var units = url.pathname.indexOf("/api/v1/admin-units") === 0 && url.pathname !== "/api/v1/admin-units/locate";
  if (units) {
    event.respondWith(
      fetch(request)
        .then(function (response) {
          if (response.ok) {
            var copy = response.clone();
            caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
          }
          return response;
        })
        .catch(function () { return caches.match(request); })
    );
    return;
  }
  if (request.mode === "navigate" && PAGES.indexOf(url.pathname) >= 0) {
    // The network first: a page from the cache only when there is no signal.
    event.respondWith(
      fetch(request)
        .then(function (response) {
          if (response.ok && url.search === "") {
            var copy = response.clone();
            caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
          }
          return response;
        })
        .catch(function () { return caches.match(url.pathname); })
    );
  }
});
