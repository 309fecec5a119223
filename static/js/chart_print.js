/*
 * Charts on paper (templates/charts/_chart.html).
 *
 * - Charts are drawn as they scroll into view (charts.js); paper shows every chart, so every chart not yet
 *   drawn is drawn before printing (window.stCharts.drawAll()), and every table waiting as text
 *   is put in. The browser lays the page out for paper after `beforeprint`; plotly draws these figures
 *   (scatter, bar) at once, so they are on the page by then. plotly.js is there once the reader has
 *   scrolled, touched, moved the pointer or pressed a key (and, on a computer, once a report has loaded); a
 *   page printed before any of that gets every chart's table and, where a chart would be, a line saying so
 *   (app.css); its charts are drawn right after. A report's print button waits for every chart instead.
 * - A chart's data table is a <details> the reader opens on screen; a closed <details> would hide the
 *   numbers on paper, so every chart table is opened before printing and closed again afterwards (tables
 *   the reader had opened stay open).
 * - Plotly draws at the screen's width; a chart wider than the paper would be cut off, so charts are
 *   redrawn at most PRINT_WIDTH px wide for printing and drawn responsive again afterwards.
 */
(function () {
  "use strict";

  var PRINT_WIDTH = 680; // px: A4 portrait less the browser's default margins
  var opened = [];
  var resized = [];

  function plots() {
    return document.querySelectorAll(".chart.js-plotly-plot");
  }

  window.addEventListener("beforeprint", function () {
    if (window.stCharts) {
      window.stCharts.drawAll().catch(function () {
        return null; // plotly.js could not be fetched: paper gets the tables and a line saying so (app.css)
      });
    }
    opened = [];
    Array.prototype.forEach.call(document.querySelectorAll("details.chart-table:not([open])"), function (d) {
      d.open = true;
      opened.push(d);
    });
    resized = [];
    if (window.Plotly) {
      Array.prototype.forEach.call(plots(), function (plot) {
        if (plot.clientWidth > PRINT_WIDTH) {
          window.Plotly.relayout(plot, { width: PRINT_WIDTH });
          resized.push(plot);
        }
      });
    }
  });

  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) {
      d.open = false;
    });
    opened = [];
    resized.forEach(function (plot) {
      window.Plotly.relayout(plot, { width: null, autosize: true });
    });
    resized = [];
  });
})();
