// The staff console's small helpers; every page works without them.
// - "/" puts the cursor in the search box; "j" and "k" move to the next and previous
//   case of the list, "Enter" opens it (keys are ignored while typing in a field).
// - The overview draws its table of open cases by commune on a Leaflet map (shipped with
//   tinbao); tiles only when the operator configured a tile server, else a plain ground.
// - The work list refreshes itself every 4 seconds (polling, see docs/decisions.md):
//   a new urgent tip appears without a reload, whichever instance received it.
"use strict";
(function () {
  var typing = function (el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  };
  var links = function () { return Array.prototype.slice.call(document.querySelectorAll("a.case-link")); };
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(document.activeElement)) return;
    var search = document.getElementById("f-q");
    if (event.key === "/" && search) {
      event.preventDefault();
      search.focus();
      search.select();
      return;
    }
    if (event.key === "j" || event.key === "k") {
      var all = links();
      if (!all.length) return;
      var at = all.indexOf(document.activeElement);
      var next = event.key === "j" ? Math.min(at + 1, all.length - 1) : Math.max(at - 1, 0);
      event.preventDefault();
      all[next].focus();
    }
  });

  var drawMap = function () {
    var box = document.getElementById("map");
    if (!box || !window.L) return;
    var rows = Array.prototype.slice.call(document.querySelectorAll("#places tr.place[data-lat]"));
    if (!rows.length) return;
    box.hidden = false;
    var map = window.L.map(box, { scrollWheelZoom: false, attributionControl: !!box.dataset.tiles });
    if (box.dataset.tiles) {
      window.L.tileLayer(box.dataset.tiles, { maxZoom: 18, attribution: box.dataset.attribution || "" }).addTo(map);
    }
    var most = Math.max.apply(null, rows.map(function (r) { return Number(r.dataset.open); }));
    var points = rows.map(function (row) {
      var at = [Number(row.dataset.lat), Number(row.dataset.lon)];
      var open = Number(row.dataset.open);
      var link = row.querySelector("a");
      // The area of a circle grows with the count, so that twice the cases look twice as big.
      var marker = window.L.circleMarker(at, {
        radius: 5 + 15 * Math.sqrt(open / most), color: "#0b0c0c", weight: 1, fillColor: "#b35900", fillOpacity: 0.75
      }).addTo(map);
      // On a plain ground (no tiles) a few names say where the circles are.
      marker.bindTooltip(link.textContent + ": " + open, { permanent: !box.dataset.tiles && rows.length <= 12, direction: "right" });
      marker.on("click", function () { window.location.href = link.getAttribute("href"); });
      return at;
    });
    map.fitBounds(window.L.latLngBounds(points).pad(0.2), { maxZoom: 12 });
    box.dataset.drawn = String(points.length);
  };
  drawMap();

  var list = document.getElementById("case-list");
  if (!list || !window.fetch || !window.DOMParser) return;
  var refresh = function () {
    if (document.hidden) return;
    fetch(window.location.href, { credentials: "same-origin", headers: { "X-Requested-With": "refresh" } })
      .then(function (response) {
        if (response.redirected || !response.ok) return null;
        return response.text();
      })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var newList = fresh.getElementById("case-list");
        var newQuick = fresh.getElementById("quick-filters");
        var focused = document.activeElement && document.activeElement.getAttribute("href");
        if (newList && newList.innerHTML !== list.innerHTML) {
          list.innerHTML = newList.innerHTML;
          if (focused) {
            var again = list.querySelector('a[href="' + focused + '"]');
            if (again) again.focus();
          }
        }
        var quick = document.getElementById("quick-filters");
        if (quick && newQuick && newQuick.innerHTML !== quick.innerHTML) quick.innerHTML = newQuick.innerHTML;
      })
      .catch(function () {});
  };
  window.setInterval(refresh, 4000);
})();
