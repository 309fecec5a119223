/*
 * Draws every chart on the page from its figure JSON (strategitracker/charts/ builds the figures).
 *
 *   <div id="chart-kpi-12" class="chart" role="img" aria-label="…"></div>
 *   <script type="application/json" class="chart-data" data-target="chart-kpi-12">{{ figure|tojson }}</script>
 *
 * No inline scripts: the Content-Security-Policy is script-src 'self'. Load plotly.js (plotly_js_url()) first.
 */
(function () {
  "use strict";

  var DEFAULT_CONFIG = { displaylogo: false, responsive: true };

  function drawCharts() {
    if (typeof window.Plotly === "undefined") {
      return;
    }
    var blocks = document.querySelectorAll('script[type="application/json"].chart-data');
    var drawn = [];
    Array.prototype.forEach.call(blocks, function (block) {
      var target = document.getElementById(block.getAttribute("data-target"));
      if (!target) {
        return;
      }
      var fig;
      try {
        fig = JSON.parse(block.textContent);
      } catch (error) {
        if (window.console) {
          window.console.error("chart-data is not valid JSON", block, error);
        }
        return;
      }
      drawn.push(
        window.Plotly.newPlot(
          target,
          fig.data || [],
          fig.layout || {},
          Object.assign({}, DEFAULT_CONFIG, fig.config || {})
        )
      );
    });
    // Tells printing (and the browser tests) that every chart is drawn: <body data-charts-ready="1">.
    Promise.all(drawn).then(function () {
      document.body.dataset.chartsReady = "1";
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawCharts);
  } else {
    drawCharts();
  }
})();
