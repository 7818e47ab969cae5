// tinbao's pages work without this file; it only adds to them: dependent place
// selects, "use my location", copying the receipt code, and tips kept on the phone when
// there is no signal, sent once (with one Idempotency-Key) when it returns.
"use strict";
(function () {
  var DRAFT = "tinbao-drafts";
  var KEPT = "tinbao-receipts";
  var main = document.getElementById("main");
  if (!main) return;
  var words = main.dataset;

  function $(id) { return document.getElementById(id); }
  function status(text) {
    var box = $("offline-status");
    if (!box) return;
    box.textContent = text;
    box.hidden = !text;
  }

  document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });

  // A page that comes back with errors starts at its summary, so that a screen reader
  // reads what to fix first (the GOV.UK pattern).
  var summary = $("error-summary");
  if (summary) summary.focus();

  // ---- The place picker: lists follow the choice above, without a reload.
  var form = $("report-form");
  var province = $("f-place-province");
  var district = $("f-place-district");
  var commune = $("f-location-commune_code");
  function scheme() {
    var field = form && form.querySelector("input[name='location.scheme']");
    return field ? field.value : "2024";
  }
  function fill(select, units) {
    var first = select.options[0];
    select.innerHTML = "";
    select.appendChild(first);
    units.forEach(function (u) {
      var option = document.createElement("option");
      option.value = String(u.code);
      option.textContent = u.name;
      select.appendChild(option);
    });
  }
  function units(level, parent) {
    var all = [];
    function page(cursor) {
      var url = "/api/v1/admin-units?scheme=" + scheme() + "&level=" + level + "&parent=" + parent + "&limit=100" +
        (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
      return fetch(url, { headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (body) {
          all = all.concat(body.items);
          return body.next_cursor ? page(body.next_cursor) : all.sort(function (a, b) { return a.name.localeCompare(b.name, "vi"); });
        });
    }
    return page(null);
  }
  function loadBelowProvince(code) {
    if (district) {
      fill(commune, []);
      return code ? units("district", code).then(function (list) { fill(district, list); }) : Promise.resolve(fill(district, []));
    }
    return code ? units("commune", code).then(function (list) { fill(commune, list); }) : Promise.resolve(fill(commune, []));
  }
  if (form && province && commune) {
    document.querySelectorAll(".reload").forEach(function (el) { el.hidden = true; });
    province.addEventListener("change", function () { loadBelowProvince(province.value).catch(function () {}); });
    if (district) {
      district.addEventListener("change", function () {
        var code = district.value;
        (code ? units("commune", code).then(function (list) { fill(commune, list); }) : Promise.resolve(fill(commune, [])))
          .catch(function () {});
      });
    }
  }

  // ---- "Use my location": the phone's position chooses the nearest commune.
  var locate = $("locate");
  if (locate && navigator.geolocation && province && commune) {
    locate.addEventListener("click", function () {
      var say = $("locate-status");
      say.textContent = locate.dataset.working;
      navigator.geolocation.getCurrentPosition(function (pos) {
        // About 100 m: enough to find the commune, and no more of the reporter's position
        // than that travels in the lookup's address.
        var lat = pos.coords.latitude.toFixed(3), lon = pos.coords.longitude.toFixed(3);
        fetch("/api/v1/admin-units/locate?latitude=" + lat + "&longitude=" + lon + "&limit=1")
          .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
          .then(function (body) {
            var found = body.items[0];
            if (!found) throw new Error("none");
            return fetch("/api/v1/admin-units/" + found.scheme + "/" + found.parent_code + "?level=" + found.parent_level)
              .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
              .then(function (parent) {
                var provinceCode = parent.level === "province" ? parent.code : parent.parent_code;
                province.value = String(provinceCode);
                return loadBelowProvince(provinceCode).then(function () {
                  if (district && parent.level === "district") {
                    district.value = String(parent.code);
                    return units("commune", parent.code).then(function (list) { fill(commune, list); });
                  }
                });
              })
              .then(function () {
                commune.value = String(found.code);
                say.textContent = locate.dataset.found;
              });
          })
          .catch(function () { say.textContent = locate.dataset.failed; });
      }, function () { say.textContent = locate.dataset.failed; }, { timeout: 20000, maximumAge: 60000 });
    });
  }

  // ---- Name and phone only for those who chose to leave them: hidden and not sent
  // otherwise, so an anonymous tip never carries them.
  var contact = $("contact-fields");
  if (form && contact) {
    var modes = form.querySelectorAll("input[name='reporter.identity_mode']");
    var sync = function () {
      var chosen = form.querySelector("input[name='reporter.identity_mode']:checked");
      var shown = !!(chosen && chosen.value === "confidential");
      contact.hidden = !shown;
      contact.querySelectorAll("input").forEach(function (input) { input.disabled = !shown; });
    };
    modes.forEach(function (m) { m.addEventListener("change", sync); });
    sync();
  }

  // ---- Copying the receipt code.
  var copy = $("copy-code");
  if (copy && navigator.clipboard) {
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText($("receipt-code").textContent.trim()).then(function () {
        $("copy-status").textContent = copy.dataset.copied;
      });
    });
  } else if (copy) {
    copy.parentNode.hidden = true;
  }

  // ---- Tips kept on the phone without a signal.
  // The fields' types, as the server reads a form (src/web/form.rs): the draft is the
  // JSON that POST /api/v1/reports takes.
  var KINDS = {
    matter: "text", observed_at: "time", crossing_mode: "text", crossing_point: "text", vessel_or_vehicle: "text",
    persons_count: "whole", children_count: "whole", current_whereabouts: "text", facilitator_info: "text",
    health_flags: "list", relationship_to_subjects: "text", urgency: "text", narrative: "text",
    acknowledged_false_report_warning: "flag",
    "location.scheme": "text", "location.commune_code": "whole", "location.address_text": "text",
    "location.latitude": "number", "location.longitude": "number",
    "reporter.identity_mode": "text", "reporter.name": "text", "reporter.phone": "text"
  };
  var SUBJECT = { approximate_age: "whole", sex: "text", apparent_nationality: "text", description: "text", alias: "text" };
  function typed(kind, value) {
    if (kind === "whole") return /^\s*-?\d+\s*$/.test(value) ? parseInt(value, 10) : value;
    if (kind === "number") return /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? parseFloat(value) : value;
    if (kind === "flag") return value === "true";
    if (kind === "time") return /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?$/.test(value) ? value + (value.length === 16 ? ":00" : "") + "+07:00" : value;
    return value;
  }
  function documentOf(source) {
    var doc = {}, subjects = {};
    new FormData(source).forEach(function (value, name) {
      if (typeof value !== "string" || value.trim() === "") return;
      var parts = name.split(".");
      if (parts[0] === "subjects" && parts.length === 3 && SUBJECT[parts[2]]) {
        var i = parts[1];
        subjects[i] = subjects[i] || {};
        subjects[i][parts[2]] = typed(SUBJECT[parts[2]], value);
        return;
      }
      var kind = KINDS[name];
      if (!kind) return;
      if (kind === "list") { (doc[name] = doc[name] || []).push(value); return; }
      if (parts.length === 2) { doc[parts[0]] = doc[parts[0]] || {}; doc[parts[0]][parts[1]] = typed(kind, value); return; }
      doc[name] = typed(kind, value);
    });
    var list = Object.keys(subjects).sort(function (a, b) { return a - b; }).map(function (k) { return subjects[k]; });
    if (list.length) doc.subjects = list;
    return doc;
  }
  function reachable() {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, 6000);
    return fetch("/healthz", { cache: "no-store", signal: controller ? controller.signal : undefined })
      .then(function (r) { clearTimeout(timer); return r.ok; })
      .catch(function () { clearTimeout(timer); return false; });
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function readKept() {
    try { return JSON.parse(localStorage.getItem(KEPT) || "[]"); } catch (e) { return []; }
  }
  function receiptPanel(created) {
    // Built with textContent only: nothing the server sent is read as markup.
    var panel = document.createElement("div");
    panel.className = "panel success receipt";
    var h = document.createElement("h2");
    h.textContent = words.receiptTitle;
    panel.appendChild(h);
    [[words.receiptReference, created.reference, "code"], [words.receiptCode, created.receipt_code, "code big"]]
      .forEach(function (row) {
        if (!row[1]) return;
        var p = document.createElement("p");
        p.appendChild(document.createTextNode(row[0]));
        p.appendChild(document.createElement("br"));
        var strong = document.createElement("strong");
        strong.className = row[2];
        strong.textContent = row[1];
        p.appendChild(strong);
        panel.appendChild(p);
      });
    var holder = document.createElement("p");
    holder.className = "receipt-holder";
    holder.textContent = words.receiptHolder.replace("{name}", created.authority.name);
    panel.appendChild(holder);
    if (created.authority.phone) {
      var phone = document.createElement("p");
      phone.textContent = words.receiptPhone.replace("{phone}", created.authority.phone);
      panel.appendChild(phone);
    }
    return panel;
  }
  // A kept draft's receipt, shown above whatever page is open (nothing typed there is
  // touched), with the choice to keep it on the phone.
  function showReceipt(created) {
    var area = $("offline-receipts");
    if (!area) {
      area = document.createElement("div");
      area.id = "offline-receipts";
      area.setAttribute("tabindex", "-1");
      main.insertBefore(area, $("offline-status").nextSibling);
    }
    var panel = receiptPanel(created);
    var warning = document.createElement("p");
    warning.className = "warning";
    warning.textContent = words.receiptWarning;
    var keepLine = document.createElement("div");
    keepLine.className = "choice";
    var keepBox = document.createElement("input");
    keepBox.type = "checkbox";
    keepBox.id = "keep-" + created.reference;
    var keepLabel = document.createElement("label");
    keepLabel.htmlFor = keepBox.id;
    keepLabel.textContent = words.offlineKeep;
    keepBox.addEventListener("change", function () {
      var kept = readKept().filter(function (k) { return k.reference !== created.reference; });
      if (keepBox.checked) kept.push(created);
      if (kept.length) localStorage.setItem(KEPT, JSON.stringify(kept)); else localStorage.removeItem(KEPT);
    });
    keepLine.appendChild(keepBox);
    keepLine.appendChild(keepLabel);
    area.appendChild(panel);
    area.appendChild(warning);
    area.appendChild(keepLine);
    status(words.offlineSent);
    area.focus();
  }
  // Receipts the reporter chose to keep, on the tracking page, each with a way to drop it.
  var trackForm = $("track-form");
  if (trackForm) {
    readKept().forEach(function (created) {
      var panel = receiptPanel(created);
      var drop = document.createElement("button");
      drop.type = "button";
      drop.className = "button secondary";
      drop.textContent = words.offlineForget;
      drop.addEventListener("click", function () {
        var kept = readKept().filter(function (k) { return k.reference !== created.reference; });
        if (kept.length) localStorage.setItem(KEPT, JSON.stringify(kept)); else localStorage.removeItem(KEPT);
        panel.parentNode.removeChild(panel);
      });
      panel.appendChild(drop);
      trackForm.parentNode.insertBefore(panel, trackForm);
    });
  }
  function readDrafts() {
    try { return JSON.parse(localStorage.getItem(DRAFT) || "[]"); } catch (e) { return []; }
  }
  function writeDrafts(drafts) {
    if (drafts.length) localStorage.setItem(DRAFT, JSON.stringify(drafts)); else localStorage.removeItem(DRAFT);
  }
  var sending = false;
  // Each kept draft, oldest first, with its own Idempotency-Key: sent as often as the
  // signal comes and goes, filed once.
  function sendDrafts() {
    var waiting = readDrafts().filter(function (d) { return !d.failed; });
    if (!waiting.length || sending) return;
    sending = true;
    reachable().then(function (up) {
      if (!up) { sending = false; return; }
      status(words.offlineSending);
      var one = function (draft) {
        return fetch("/api/v1/reports", {
          method: "POST",
          headers: { "Content-Type": "application/json", "Idempotency-Key": draft.key,
                     "Accept-Language": draft.lang || words.lang },
          body: JSON.stringify(draft.doc)
        }).then(function (r) {
          return r.json().then(function (body) {
            var drafts = readDrafts();
            if (r.status === 201) {
              writeDrafts(drafts.filter(function (d) { return d.key !== draft.key; }));
              showReceipt(body);
            } else if (r.status === 422 || r.status === 400) {
              drafts.forEach(function (d) { if (d.key === draft.key) d.failed = true; });
              writeDrafts(drafts);
              var reason = (body.errors || []).map(function (e) { return e.field + ": " + e.message; }).join("; ") || body.detail;
              status(words.offlineFailed.replace("{reason}", reason));
            } else {
              throw new Error(String(r.status));
            }
          });
        });
      };
      return waiting.reduce(function (chain, draft) { return chain.then(function () { return one(draft); }); }, Promise.resolve())
        .then(function () { sending = false; });
    }).catch(function () { sending = false; status(words.offlineSaved); });
  }
  function keepDraft(source, acknowledged) {
    var doc = documentOf(source);
    doc.acknowledged_false_report_warning = acknowledged;
    var drafts = readDrafts();
    drafts.push({ key: uuid(), doc: doc, lang: words.lang, saved: new Date().toISOString() });
    writeDrafts(drafts);
    // The tip now lives in its draft: an emptied form cannot be sent a second time.
    source.reset();
    status(words.offlineSaved);
    var panel = $("offline-send");
    if (panel) panel.hidden = true;
    window.scrollTo(0, 0);
  }
  [["report-form", "review", "offline-ack"], ["check-form", "send", "ack"]].forEach(function (spec) {
    var target = $(spec[0]);
    if (!target) return;
    target.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (target.dataset.online === "1" || !button || button.value !== spec[1]) return;
      event.preventDefault();
      reachable().then(function (up) {
        if (up) {
          target.dataset.online = "1";
          var action = document.createElement("input");
          action.type = "hidden";
          action.name = "action";
          action.value = button.value;
          target.appendChild(action);
          target.submit();
          return;
        }
        var panel = $("offline-send");
        panel.hidden = false;
        status(words.offlineSaved.split(".")[0] + ".");
        $("offline-keep").focus();
      });
    });
    var keep = $("offline-keep");
    if (keep) {
      keep.addEventListener("click", function () {
        var ack = $(spec[2]);
        if (!ack || !ack.checked) { if (ack) ack.focus(); return; }
        keepDraft(target, true);
      });
    }
  });

  // A draft that the server refused comes back into the form, to be corrected there.
  var drafts = readDrafts();
  var refused = drafts.filter(function (d) { return d.failed; })[0];
  if (refused && form) {
    Object.keys(refused.doc).forEach(function (key) {
      var value = refused.doc[key];
      if (value && typeof value === "object" && !Array.isArray(value)) {
        Object.keys(value).forEach(function (k) { setField(key + "." + k, value[k]); });
      } else if (Array.isArray(value) && key === "subjects") {
        value.forEach(function (s, i) { Object.keys(s).forEach(function (k) { setField("subjects." + i + "." + k, s[k]); }); });
      } else if (Array.isArray(value)) {
        value.forEach(function (v) { setField(key, v); });
      } else {
        setField(key, key === "observed_at" ? String(value).slice(0, 16) : value);
      }
    });
    writeDrafts(drafts.filter(function (d) { return d.key !== refused.key; }));
  } else if (drafts.length) {
    status(words.offlinePending);
  }
  function setField(name, value) {
    form.querySelectorAll("[name='" + name + "']").forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") { if (el.value === String(value)) el.checked = true; }
      else if (el.tagName === "SELECT" && el.options.length <= 1) { /* lists not loaded: the commune is chosen again */ }
      else el.value = String(value);
    });
  }

  // ---- "Clear this phone": everything this site stored here.
  var clear = $("clear-phone");
  if (clear) {
    clear.addEventListener("click", function () {
      localStorage.removeItem(DRAFT);
      localStorage.removeItem(KEPT);
      var done = [];
      if (window.caches) done.push(caches.keys().then(function (keys) { return Promise.all(keys.map(function (k) { return caches.delete(k); })); }));
      if (navigator.serviceWorker) done.push(navigator.serviceWorker.getRegistrations().then(function (regs) { return Promise.all(regs.map(function (r) { return r.unregister(); })); }));
      Promise.all(done).then(function () { status(words.offlineCleared); });
    });
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(function () {});
  }
  window.addEventListener("online", sendDrafts);
  setInterval(sendDrafts, 10000);
  sendDrafts();
})();
