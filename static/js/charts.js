/*
 * Draws the charts on the page from their figure JSON (strategitracker/charts/ builds the figures).
 *
 *   <div id="chart-kpi-12" class="chart" role="img" aria-label="…"></div>
 *   <script type="application/json" class="chart-data" data-target="chart-kpi-12">{{ figure_json(figure) }}</script>
 *
 * A chart is drawn when it comes near the screen (IntersectionObserver), not all at load: a page of many
 * charts on a phone would otherwise spend seconds drawing what nobody has scrolled to yet. At load only the
 * charts on the screen itself are drawn; those just below it wait for the reader's first move. plotly.js itself
 * (the URL in this script's data-plotly) is fetched when the first chart comes near the screen or the reader
 * first scrolls, touches, moves the pointer or presses a key. A printed report (data-printed on this script,
 * chart_scripts(printed=True) in templates/charts/_chart.html) also fetches it once the page has loaded and the
 * browser is idle, on a computer with a mouse only (where Ctrl+P comes at once; a phone waits for its reader),
 * and its print button (.js-print) fetches plotly.js, draws every chart and then opens the print dialogue.
 * A chart's data table waits as text (<script type="text/html">) inside its <details> until the reader opens
 * it. window.stCharts.drawAll() draws every chart and puts in every table (printing, chart_print.js).
 *
 * <body data-charts-ready="1"> once the charts in view at load are drawn; data-charts-all="1" once every
 * chart is drawn. No inline scripts: the Content-Security-Policy is script-src 'self'.
 */
(function () {
  "use strict";

  var DEFAULT_CONFIG = { displaylogo: false, responsive: true };
  var NEAR = "300px 0px"; // start drawing a little before the chart scrolls into view
  var FIRST_TOUCH = ["scroll", "wheel", "touchstart", "pointerdown", "pointermove", "keydown"];
  var plotlySrc = document.currentScript ? document.currentScript.getAttribute("data-plotly") : null;
  var printed = document.currentScript ? document.currentScript.hasAttribute("data-printed") : false;
  var MOUSE = "(hover: hover) and (pointer: fine)";
  var loading = null;
  var charts = [];
  var held = []; // charts near the screen at load but not on it
  var touched = false; // the reader has scrolled, touched, moved the pointer or pressed a key

  function loadPlotly() {
    if (window.Plotly) {
      return Promise.resolve();
    }
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = plotlySrc;
        script.onload = resolve;
        script.onerror = function (error) {
          loading = null; // a later chart, the print button or printing tries again
          script.remove();
          reject(error);
        };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function figureOf(block) {
    try {
      return JSON.parse(block.textContent);
    } catch (error) {
      if (window.console) {
        window.console.error("chart-data is not valid JSON", block, error);
      }
      return {};
    }
  }

  function plot(chart) {
    var fig = figureOf(chart.block);
    return window.Plotly.newPlot(
      chart.target,
      fig.data || [],
      fig.layout || {},
      Object.assign({}, DEFAULT_CONFIG, fig.config || {})
    );
  }

  // With plotly.js at hand a chart is drawn at once (printing relies on it), else once it has arrived.
  function draw(chart) {
    if (!chart.drawn) {
      chart.drawn = window.Plotly
        ? Promise.resolve(plot(chart))
        : loadPlotly().then(function () {
            return plot(chart);
          });
      chart.drawn.then(allDrawn, function () {
        chart.drawn = null; // plotly.js did not come: the chart is drawn when it comes next time
      });
    }
    return chart.drawn;
  }

  // The charts in view at load are drawn (or plotly.js could not be fetched: their tables stand in).
  function ready() {
    document.body.dataset.chartsReady = "1";
  }

  function allDrawn() {
    if (charts.every(function (chart) { return chart.drawn; })) {
      document.body.dataset.chartsAll = "1";
    }
  }

  // The table's HTML waits as text (templates/charts/_chart.html); the server escaped every cell.
  function fillTable(details) {
    var holder = details.querySelector("script.chart-table-content");
    if (holder) {
      holder.insertAdjacentHTML("afterend", holder.textContent);
      holder.remove();
    }
  }

  function fillTables() {
    Array.prototype.forEach.call(document.querySelectorAll("details.chart-table"), fillTable);
  }

  function drawAll() {
    fillTables();
    return Promise.all(charts.map(draw));
  }

  function onScreen(entry) {
    var box = entry.boundingClientRect;
    return box.top < window.innerHeight && box.bottom > 0;
  }

  function observe() {
    var first = true;
    var observer = new IntersectionObserver(
      function (entries) {
        var inView = [];
        entries.forEach(function (entry) {
          if (!entry.isIntersecting) {
            return;
          }
          observer.unobserve(entry.target);
          if (first && !touched && !onScreen(entry)) {
            held.push(entry.target.stChart); // near the screen but not on it: drawn when the reader moves
          } else {
            inView.push(draw(entry.target.stChart));
          }
        });
        if (first) {
          // The first report names every chart at once: those in view at load are being drawn now.
          first = false;
          Promise.all(inView).then(ready, ready);
        }
      },
      { rootMargin: NEAR }
    );
    charts.forEach(function (chart) {
      chart.target.stChart = chart;
      observer.observe(chart.target);
    });
  }

  // The reader's first scroll, touch, pointer move or key fetches plotly.js, so that it is there when a
  // chart comes into view or the page is printed.
  function fetchOnFirstTouch() {
    function fetch() {
      FIRST_TOUCH.forEach(function (name) {
        window.removeEventListener(name, fetch, true);
      });
      touched = true;
      loadPlotly().catch(function () {
        return null; // a chart coming into view or printing tries again
      });
      held.splice(0).forEach(draw);
    }
    FIRST_TOUCH.forEach(function (name) {
      window.addEventListener(name, fetch, { capture: true, passive: true });
    });
  }

  // A report on a computer: plotly.js once the page is idle, so that Ctrl+P finds it (a phone waits).
  function fetchWhenIdle() {
    if (!window.matchMedia || !window.matchMedia(MOUSE).matches) {
      return;
    }
    var later = window.requestIdleCallback || function (run) { return window.setTimeout(run, 1); };
    function fetch() {
      loadPlotly().catch(function () {
        return null; // the print button and printing try again
      });
    }
    if (document.readyState === "complete") {
      later(fetch);
    } else {
      window.addEventListener("load", function () { later(fetch); });
    }
  }

  // The print button: every chart drawn and every table in before the print dialogue opens.
  function printButtons() {
    Array.prototype.forEach.call(document.querySelectorAll(".js-print"), function (button) {
      button.classList.remove("invisible"); // its room was kept: nothing moves when it appears
      button.addEventListener("click", function () {
        button.disabled = true;
        drawAll().then(
          function () {
            button.disabled = false;
            window.print();
          },
          function () {
            button.disabled = false;
            window.print(); // plotly.js did not come: the tables carry the numbers
          }
        );
      });
    });
  }

  function start() {
    printButtons();
    Array.prototype.forEach.call(document.querySelectorAll('script[type="application/json"].chart-data'), function (block) {
      var target = document.getElementById(block.getAttribute("data-target"));
      if (target) {
        charts.push({ block: block, target: target, drawn: null });
      }
    });
    // A table is put in its <details> when the reader opens it (toggle does not bubble: listen on capture).
    document.addEventListener(
      "toggle",
      function (event) {
        if (event.target.matches && event.target.matches("details.chart-table") && event.target.open) {
          fillTable(event.target);
        }
      },
      true
    );
    if (!charts.length) {
      document.body.dataset.chartsReady = "1";
      document.body.dataset.chartsAll = "1";
      return;
    }
    fetchOnFirstTouch();
    if (printed) {
      fetchWhenIdle();
    }
    if ("IntersectionObserver" in window) {
      observe();
    } else {
      drawAll().then(ready, ready);
    }
  }

  window.stCharts = { drawAll: drawAll, fillTables: fillTables, loadPlotly: loadPlotly };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
