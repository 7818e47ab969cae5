// The staff console's small helpers; every page works without them.
// - "/" puts the cursor in the search box; "j" and "k" move to the next and previous
//   case of the list, "Enter" opens it (keys are ignored while typing in a field).
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
