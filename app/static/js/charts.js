// Line charts of the results pages (Chart.js 4, vendored). No inline scripts (CSP): every
// <canvas data-chart="ID"> reads its data from <script type="application/json" id="ID">; the
// table beside the chart is the accessible alternative. Charts are made in htmx.onLoad and
// destroyed before their canvas is swapped out ("Canvas is already in use", chart.js #776).
(function () {
  "use strict";
  if (window.cxmCharts) return; // loaded twice (a page and the base layout): one set of listeners

  var charts = new Map(); // canvas element -> Chart

  function format(value, unit) {
    if (value === null || value === undefined) return "нет данных";
    return value.toLocaleString("ru-RU", { minimumFractionDigits: 1, maximumFractionDigits: 1 }) + (unit ? " " + unit : "");
  }

  function make(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) return;
    var data;
    try {
      data = JSON.parse(source.textContent);
    } catch (error) {
      return;
    }
    var unit = data.unit || "";
    var chart = new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (set) {
          return { label: set.label, data: set.data, spanGaps: false, tension: 0.2, pointRadius: 4 };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: true,
        aspectRatio: 2.5,
        locale: "ru-RU",
        animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : undefined,
        interaction: { mode: "index", intersect: false },
        scales: {
          y: {
            min: 0,
            max: data.max || 100,
            ticks: { callback: function (value) { return value + (unit ? " " + unit : ""); } },
          },
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (item) { return item.dataset.label + ": " + format(item.raw, unit); },
            },
          },
        },
      },
    });
    charts.set(canvas, chart);
  }

  function init(root) {
    if (!window.Chart || !root || !root.querySelectorAll) return;
    var canvases = root.matches && root.matches("canvas[data-chart]") ? [root] : root.querySelectorAll("canvas[data-chart]");
    Array.prototype.forEach.call(canvases, function (canvas) {
      if (!charts.has(canvas)) make(canvas);
    });
  }

  function destroy(root) {
    charts.forEach(function (chart, canvas) {
      if (!root || root === document || root.contains(canvas)) {
        chart.destroy();
        charts.delete(canvas);
      }
    });
  }

  function start() {
    init(document);
    if (window.htmx) window.htmx.onLoad(init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  document.addEventListener("htmx:beforeSwap", function (event) { destroy(event.detail.target); });
  document.addEventListener("htmx:beforeHistorySave", function () { destroy(document); });

  window.cxmCharts = { init: init, destroy: destroy };
})();
