// hotich review: keyboard-first field review. Plain JS, no build step, no inline script (CSP).
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.content : "";
  var pageKind = document.body.dataset.page;

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": csrf },
      body: new URLSearchParams(data),
    }).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.json();
    });
  }

  function typingIn(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT");
  }

  // queue and pairs list: N starts
  function initStart() {
    document.addEventListener("keydown", function (e) {
      if (typingIn(e.target) || e.ctrlKey || e.altKey || e.metaKey) { return; }
      if (e.key === "n" || e.key === "N") {
        var b = document.getElementById("start");
        if (b) { e.preventDefault(); b.click(); }
      }
    });
  }

  function initPair() {
    var keys = { s: "d-same", d: "d-different", u: "d-unsure" };
    document.addEventListener("keydown", function (e) {
      if (typingIn(e.target) || e.ctrlKey || e.altKey || e.metaKey) { return; }
      var id = keys[e.key.toLowerCase()];
      if (id && document.getElementById(id)) { e.preventDefault(); document.getElementById(id).click(); }
    });
  }

  function initRecord() {
    var form = document.getElementById("save-form");
    if (!form) { return; }
    var rid = form.dataset.record;
    var editable = form.dataset.editable === "yes";
    var inputs = Array.prototype.slice.call(document.querySelectorAll("input.attn"));
    var pending = [];
    var timers = {};
    var suggestions = {};
    var submitting = false;

    function rowOf(input) { return document.getElementById("row-" + input.dataset.key); }
    function hintOf(input) { return document.getElementById("hint-" + input.dataset.key); }

    function nextInput(from, step) {
      var i = inputs.indexOf(from);
      for (var k = 1; k <= inputs.length; k++) {
        var j = i + step * k;
        if (j < 0 || j >= inputs.length) { break; }
        if (step < 0 || !rowOf(inputs[j]).classList.contains("done")) { return inputs[j]; }
      }
      return null;
    }

    function focusAfter(input) {
      var nxt = nextInput(input, 1);
      if (!nxt) { nxt = inputs.filter(function (x) { return !rowOf(x).classList.contains("done"); })[0]; }
      if (nxt) { nxt.focus(); } else { document.getElementById("save").focus(); }
    }

    function accept(input) {
      var row = rowOf(input);
      row.classList.remove("failed");
      row.classList.add("pending", "done");
      var p = post("/records/" + rid + "/fields/" + encodeURIComponent(input.dataset.key), { value: input.value })
        .then(function (res) {
          row.classList.remove("pending");
          input.value = res.value === null ? "" : res.value;
          input.dataset.orig = input.value;
          hintOf(input).textContent = res.changed ? "✓ đã lưu / saved" : "✓";
        })
        .catch(function (err) {
          row.classList.remove("pending", "done");
          row.classList.add("failed");
          hintOf(input).textContent = "Chưa lưu / not saved (" + err.message + ")";
        });
      pending.push(p);
      focusAfter(input);
    }

    function save() {
      if (submitting || !editable) { return; }
      submitting = true;
      // let accepted fields reach the server first; the form carries every value anyway
      Promise.all(pending.map(function (p) { return p.catch(function () {}); })).then(function () {
        form.submit();
      });
    }

    function showValidation(input, res) {
      var hint = hintOf(input);
      var row = rowOf(input);
      row.dataset.check = res.status;
      var text = res.status === "ok" ? "✓ hợp lệ / valid" : (res.reason || res.status);
      if (res.value && res.value !== input.value.trim()) { text += " → " + res.value; }
      hint.textContent = text;
      var box = document.getElementById("sugg-" + input.dataset.key);
      box.textContent = "";
      suggestions[input.dataset.key] = res.suggestions || [];
      (res.suggestions || []).forEach(function (s, i) {
        var b = document.createElement("button");
        b.type = "button";
        b.tabIndex = -1;
        b.textContent = "Alt+" + (i + 1) + " " + s;
        b.addEventListener("click", function () { input.value = s; input.focus(); check(input); });
        box.appendChild(b);
      });
    }

    function check(input) {
      clearTimeout(timers[input.dataset.key]);
      timers[input.dataset.key] = setTimeout(function () {
        post("/api/validate", { record_id: rid, key: input.dataset.key, value: input.value })
          .then(function (res) { showValidation(input, res); })
          .catch(function () {});
      }, 200);
    }

    inputs.forEach(function (input) {
      var composing = false;
      input.addEventListener("compositionstart", function () { composing = true; });
      input.addEventListener("compositionend", function () { composing = false; check(input); });
      input.addEventListener("focus", function () { input.select(); });
      input.addEventListener("input", function () {
        rowOf(input).classList.remove("done");
        if (!composing) { check(input); }
      });
      input.addEventListener("keydown", function (e) {
        // an IME (Telex, VNI) uses Enter to commit what it is composing: never take that as accept
        if (composing || e.isComposing || e.keyCode === 229) { return; }
        if (e.key === "Enter" && !e.ctrlKey && !e.metaKey && !e.altKey && !e.shiftKey) {
          e.preventDefault();
          if (editable) { accept(input); }
        } else if (e.key === "Tab" && !e.ctrlKey && !e.altKey) {
          e.preventDefault();
          var t = nextInput(input, e.shiftKey ? -1 : 1);
          if (t) { t.focus(); } else if (!e.shiftKey) { document.getElementById("save") && document.getElementById("save").focus(); }
        } else if (e.key === "Escape") {
          e.preventDefault();
          input.value = input.dataset.orig;
          input.select();
          check(input);
        } else if (e.altKey && /^[1-4]$/.test(e.key)) {
          var s = (suggestions[input.dataset.key] || [])[Number(e.key) - 1];
          if (s) { e.preventDefault(); input.value = s; check(input); }
        }
      });
    });

    document.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); save(); return; }
      if (e.altKey && (e.key === "r" || e.key === "R" || e.code === "KeyR")) {
        e.preventDefault(); var r = document.getElementById("rowimg"); r.hidden = !r.hidden;
      } else if (e.altKey && (e.key === "p" || e.key === "P" || e.code === "KeyP")) {
        e.preventDefault(); var p = document.getElementById("pageimg"); p.hidden = !p.hidden;
      }
    });
    form.addEventListener("submit", function (e) {
      if (!submitting) { e.preventDefault(); save(); }
    });
    // Enter in a non-attention input: do not submit by accident
    Array.prototype.forEach.call(document.querySelectorAll("input.other"), function (el) {
      el.addEventListener("keydown", function (e) {
        if (e.key === "Enter" && !e.ctrlKey && !e.metaKey) { e.preventDefault(); }
      });
    });
    var first = inputs.filter(function (x) { return !rowOf(x).classList.contains("done"); })[0];
    if (first && editable) { first.focus(); } else if (editable && document.getElementById("save")) { document.getElementById("save").focus(); }
  }

  if (pageKind === "record") { initRecord(); }
  if (pageKind === "queue" || pageKind === "pairs") { initStart(); }
  if (pageKind === "pair") { initPair(); }
})();
