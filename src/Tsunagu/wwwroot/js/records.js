// Tsunagu: small helps for the record forms. Everything works without this script; with it:
// - Ctrl+Enter in a text box of a record form saves it;
// - what is typed in a form marked data-draft is kept in this tab (sessionStorage, gone when the tab closes) until the
//   page says it was saved, so that an expired session or a lost connection does not lose it;
// - before the idle sign-out, a warning offers to stay signed in; typing keeps the session alive;
// - the indicator definition form offers only the conditions the chosen measure can take, and its wording's example
//   follows what is typed.
"use strict";
(function () {
  var body = document.body;

  // Ctrl+Enter (⌘+Enter) saves the record being typed.
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target instanceof HTMLTextAreaElement && e.target.form &&
        e.target.form.classList.contains("record")) {
      e.preventDefault();
      e.target.form.requestSubmit();
    }
  });

  // Drafts: kept per form key in this tab only; cleared when the page shows the record saved.
  var prefix = "tsunagu-draft:";
  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    var key = prefix + form.dataset.draft;
    if (form.dataset.saved === "true") {
      sessionStorage.removeItem(key);
      return;
    }
    var fields = function () {
      return Array.prototype.filter.call(form.elements, function (el) {
        return el.name && el.name !== "__RequestVerificationToken" && el.type !== "submit";
      });
    };
    var stored = sessionStorage.getItem(key);
    var texts = form.querySelectorAll("textarea");
    var untouched = Array.prototype.every.call(texts, function (t) { return t.value === ""; });
    if (stored && untouched) {
      var draft = JSON.parse(stored);
      fields().forEach(function (el) {
        if (!(el.name in draft)) { return; }
        var value = draft[el.name];
        if (el.type === "checkbox") { el.checked = value.indexOf(el.value) >= 0; } else { el.value = value; }
      });
      var notice = document.createElement("p");
      notice.className = "notice draft";
      notice.setAttribute("role", "status");
      notice.textContent = "保存されていない入力を戻しました。内容を確かめて「記録する」を押してください。";
      form.insertBefore(notice, form.firstChild);
    }
    var save = function () {
      var draft = {};
      fields().forEach(function (el) {
        if (el.type === "checkbox") {
          draft[el.name] = draft[el.name] || [];
          if (el.checked) { draft[el.name].push(el.value); }
        } else {
          draft[el.name] = el.value;
        }
      });
      sessionStorage.setItem(key, JSON.stringify(draft));
    };
    form.addEventListener("input", save);
    form.addEventListener("change", save);
  });

  // The definition form: the conditions another measure takes are hidden and disabled (so not sent); the example of
  // the wording is the server's until something is typed.
  document.querySelectorAll("form[data-definition-form]").forEach(function (form) {
    var measure = form.querySelector("#measure");
    var offer = function () {
      form.querySelectorAll("fieldset[data-measures]").forEach(function (set) {
        var on = set.dataset.measures.split(" ").indexOf(measure.value) >= 0;
        set.disabled = !on;
        set.hidden = !on;
      });
    };
    measure.addEventListener("change", offer);
    offer();
    var example = form.querySelector("#wording-example .example");
    var word = function () {
      var text = form.querySelector("#wording").value.replace(/\[(指標名|値|単位)\]/g, "［$1］");
      example.textContent = text.split("［指標名］").join(form.querySelector("#label").value)
        .split("［値］").join(example.dataset.sample).split("［単位］").join(form.querySelector("#unit").value);
    };
    ["#wording", "#label", "#unit"].forEach(function (selector) { form.querySelector(selector).addEventListener("input", word); });
  });

  // The idle sign-out: a request renews the session when half of it has passed, so at least half remains after any
  // request. Warn two minutes before that; typing in a form renews it (quietly, at most every five minutes).
  var idleMinutes = Number(body.dataset.idleMinutes || 0);
  if (!idleMinutes) { return; }
  var safeMs = idleMinutes / 2 * 60000;
  var lastContact = Date.now();
  var warning = null;
  var keepAlive = function () {
    return fetch("/account/keepalive", { credentials: "same-origin", redirect: "manual" }).then(function (r) {
      if (r.status === 204) { lastContact = Date.now(); return true; }
      return false;
    }, function () { return false; });
  };
  var showWarning = function (expired) {
    if (!warning) {
      warning = document.createElement("div");
      warning.className = "session-warning";
      warning.setAttribute("role", "alert");
      document.querySelector("main").prepend(warning);
    }
    warning.textContent = "";
    var text = document.createElement("p");
    text.textContent = expired
      ? "セッションが切れました。サインインし直すと、入力中の内容はこの画面に戻ります。"
      : "操作がないため、まもなく自動的にサインアウトします。入力中の内容はこの画面に残ります。";
    warning.appendChild(text);
    if (!expired) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = "サインインしたまま続ける";
      button.addEventListener("click", function () {
        keepAlive().then(function (ok) {
          if (ok) { warning.remove(); warning = null; } else { showWarning(true); }
        });
      });
      warning.appendChild(button);
    }
  };
  document.addEventListener("input", function () {
    if (Date.now() - lastContact > 5 * 60000) { keepAlive(); }
  });
  setInterval(function () {
    var idle = Date.now() - lastContact;
    if (idle > safeMs - 2 * 60000 && !warning) { showWarning(false); }
  }, 15000);
})();
