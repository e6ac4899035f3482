// Public survey pages: large text toggle, conditional questions, answered count, remote clients, the error
// summary, and the kiosk's inactivity reset. No inline scripts (CSP); everything works without this file too.
(function () {
  "use strict";

  var YEAR = 365 * 24 * 3600;

  function setupTextSize() {
    var form = document.querySelector("[data-text-size]");
    if (!form) return;
    var button = form.querySelector("button");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var on = !document.documentElement.classList.contains("large-text");
      document.documentElement.classList.toggle("large-text", on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      var secure = location.protocol === "https:" ? "; secure" : "";
      document.cookie = form.dataset.cookie + "=" + (on ? "1" : "0") + "; path=/; max-age=" + YEAR + "; samesite=lax" + secure;
    });
  }

  function checkedValues(form, name) {
    var values = [];
    form.querySelectorAll('input[name="' + name + '"]').forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") ? input.checked : input.value.trim()) values.push(input.value);
    });
    return values;
  }

  function hasControl(form, name) {
    return form.querySelector('[name="' + name + '"]') !== null;
  }

  // A question whose condition is on this page shows only after the answer it depends on.
  function applyConditions(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (block) {
      var name = block.dataset.showIf;
      if (!hasControl(form, name)) return; // decided by the server (an earlier step)
      var wanted = block.dataset.showValues.split(" ");
      var chosen = checkedValues(form, name);
      var visible = wanted.some(function (value) { return chosen.indexOf(value) !== -1; });
      block.hidden = !visible;
    });
  }

  function countAnswered(form) {
    var counter = document.querySelector("[data-answered]");
    if (!counter) return;
    var answered = 0;
    var total = 0;
    form.querySelectorAll("[data-question]").forEach(function (block) {
      if (block.hidden) return;
      total += 1;
      var name = block.dataset.question;
      var filled = Array.prototype.some.call(form.querySelectorAll('[name="' + name + '"]'), function (input) {
        if (input.type === "radio" || input.type === "checkbox") return input.checked;
        return input.value.trim() !== "";
      });
      if (filled) answered += 1;
    });
    counter.querySelector("[data-answered-count]").textContent = answered;
    counter.lastChild.textContent = " из " + total;
  }

  function applyRemote(form) {
    var remote = form.querySelector("[data-remote]");
    if (!remote) return;
    form.querySelectorAll("[data-office-optional]").forEach(function (mark) {
      mark.hidden = !remote.checked;
    });
  }

  function setupForm() {
    var form = document.querySelector("[data-survey-form]");
    if (!form) return;
    var update = function () {
      applyConditions(form);
      applyRemote(form);
      countAnswered(form);
    };
    form.addEventListener("change", update);
    form.addEventListener("input", function (event) {
      if (event.target.tagName === "TEXTAREA") countAnswered(form);
    });
    update();
  }

  function focusErrors() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  }

  // Kiosk: after a pause a warning with «Продолжить», then back to an empty start for the next client.
  function setupKiosk() {
    var body = document.body;
    var resetUrl = body.dataset.kioskReset;
    if (resetUrl) {
      var idle = parseInt(body.dataset.kioskIdle, 10) * 1000;
      var warning = document.querySelector("[data-kiosk-warning]");
      var warnTimer = null;
      var resetTimer = null;
      var restart = function () {
        clearTimeout(warnTimer);
        clearTimeout(resetTimer);
        if (warning) warning.hidden = true;
        warnTimer = setTimeout(function () {
          if (warning) {
            warning.hidden = false;
            warning.querySelector("[data-kiosk-stay]").focus();
          }
        }, Math.max(idle - 20000, 0));
        resetTimer = setTimeout(function () { location.assign(resetUrl); }, idle);
      };
      ["pointerdown", "keydown", "input", "scroll", "touchstart"].forEach(function (type) {
        document.addEventListener(type, restart, { passive: true });
      });
      var stay = document.querySelector("[data-kiosk-stay]");
      if (stay) stay.addEventListener("click", restart);
      restart();
    }
    var returnUrl = body.dataset.kioskReturn;
    if (returnUrl) {
      setTimeout(function () { location.assign(returnUrl); }, parseInt(body.dataset.kioskReturnAfter, 10) * 1000);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.add("js");
    setupTextSize();
    setupForm();
    setupKiosk();
    focusErrors();
  });
})();
