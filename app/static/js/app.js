// cxm client behaviour: no inline scripts (CSP), everything initialised on htmx loads.
(function () {
  "use strict";

  function initTooltips(root) {
    if (!window.bootstrap) return;
    root.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
      window.bootstrap.Tooltip.getOrCreateInstance(el);
    });
  }

  function focusFirstInvalid(root) {
    var invalid = root.querySelector('[aria-invalid="true"]');
    if (invalid) invalid.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    initTooltips(document);
    if (window.htmx) {
      window.htmx.onLoad(function (root) { initTooltips(root); });
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    focusFirstInvalid(event.detail.target);
  });

  // After boosted navigation move focus to the main landmark for screen-reader users.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.boosted) {
      var main = document.getElementById("main");
      if (main) main.focus({ preventScroll: true });
    }
  });
})();
