// tinbao's pages work without this file; it only adds to them: dependent place
// selects, "use my location", copying the receipt code, and tips kept on the phone when
// there is no signal, sent once (with one Idempotency-Key) when it returns.
"use strict";
(function () {
  var DRAFT = "tinbao-draft";
  var KEPT = "tinbao-receipt";
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
  function readDraft() {
    try { return JSON.parse(localStorage.getItem(DRAFT) || "null"); } catch (e) { return null; }
  }

  document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });

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
        var lat = pos.coords.latitude.toFixed(6), lon = pos.coords.longitude.toFixed(6);
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

  // ---- Name and phone only for those who chose to leave them.
  var contact = $("contact-fields");
  if (form && contact) {
    var modes = form.querySelectorAll("input[name='reporter.identity_mode']");
    var sync = function () {
      var chosen = form.querySelector("input[name='reporter.identity_mode']:checked");
      contact.hidden = !(chosen && chosen.value === "confidential");
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
  function showReceipt(created, keep) {
    // Built with textContent only: nothing the server sent is read as markup.
    var panel = document.createElement("div");
    panel.className = "panel success";
    panel.id = "receipt";
    var h1 = document.createElement("h1");
    h1.textContent = words.receiptTitle;
    panel.appendChild(h1);
    [[words.receiptReference, created.reference, "receipt-reference", "code"],
     [words.receiptCode, created.receipt_code, "receipt-code", "code big"]].forEach(function (row) {
      if (!row[1]) return;
      var p = document.createElement("p");
      p.appendChild(document.createTextNode(row[0]));
      p.appendChild(document.createElement("br"));
      var strong = document.createElement("strong");
      strong.className = row[3];
      strong.id = row[2];
      strong.textContent = row[1];
      p.appendChild(strong);
      panel.appendChild(p);
    });
    var warning = document.createElement("p");
    warning.className = "warning";
    warning.textContent = words.receiptWarning;
    var holder = document.createElement("p");
    holder.textContent = words.receiptHolder.replace("{ $name }", created.authority.name);
    var nodes = [panel, warning, holder];
    if (created.authority.phone) {
      var phone = document.createElement("p");
      phone.textContent = words.receiptPhone.replace("{ $phone }", created.authority.phone);
      nodes.push(phone);
    }
    var keepLine = document.createElement("p");
    var keepBox = document.createElement("input");
    keepBox.type = "checkbox";
    keepBox.id = "keep-receipt";
    keepBox.checked = !!keep;
    var keepLabel = document.createElement("label");
    keepLabel.htmlFor = "keep-receipt";
    keepLabel.textContent = words.offlineKeep;
    keepBox.addEventListener("change", function () {
      if (keepBox.checked) localStorage.setItem(KEPT, JSON.stringify(created));
      else localStorage.removeItem(KEPT);
    });
    keepLine.className = "choice";
    keepLine.appendChild(keepBox);
    keepLine.appendChild(keepLabel);
    nodes.push(keepLine);
    var box = $("offline-status");
    while (main.lastChild && main.lastChild !== box) main.removeChild(main.lastChild);
    nodes.forEach(function (n) { main.appendChild(n); });
    status(words.offlineSent);
    main.focus();
  }
  var sending = false;
  function sendDraft() {
    var draft = readDraft();
    if (!draft || draft.failed || sending) return;
    sending = true;
    reachable().then(function (up) {
      if (!up) { sending = false; return; }
      status(words.offlineSending);
      return fetch("/api/v1/reports", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": draft.key, "Accept-Language": draft.lang || words.lang },
        body: JSON.stringify(draft.doc)
      }).then(function (r) {
        return r.json().then(function (body) {
          sending = false;
          if (r.status === 201) {
            localStorage.removeItem(DRAFT);
            showReceipt(body, false);
          } else if (r.status === 422 || r.status === 400) {
            draft.failed = true;
            localStorage.setItem(DRAFT, JSON.stringify(draft));
            var reason = (body.errors || []).map(function (e) { return e.field + ": " + e.message; }).join("; ") || body.detail;
            status(words.offlineFailed.replace("{ $reason }", reason));
          } else {
            status(words.offlineSaved);
          }
        });
      });
    }).catch(function () { sending = false; status(words.offlineSaved); });
  }
  function keepDraft(source, acknowledged) {
    var doc = documentOf(source);
    doc.acknowledged_false_report_warning = acknowledged;
    localStorage.setItem(DRAFT, JSON.stringify({ key: uuid(), doc: doc, lang: words.lang, saved: new Date().toISOString() }));
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
  var pending = readDraft();
  if (pending && pending.failed && form) {
    Object.keys(pending.doc).forEach(function (key) {
      var value = pending.doc[key];
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
    localStorage.removeItem(DRAFT);
  } else if (pending && !pending.failed) {
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
  window.addEventListener("online", sendDraft);
  setInterval(sendDraft, 10000);
  sendDraft();
})();
