/* A box that scrolls inside the page (a wide table's .table-responsive wrapper, a report chart drawn at the
 * paper's width on a phone) can be scrolled with the keyboard only if it can take the focus. While a box
 * really scrolls it gets tabindex="0", role="region" and a name (its table's caption, its chart's title, else
 * the page's generic words in data-name); when it no longer scrolls (a wider screen) they are taken away, so
 * a box that fits adds no tab stop. Only attributes this script set are removed (data-scroll-region).
 */
(function () {
  "use strict";

  var BOXES = ".table-responsive, .table-responsive-sm, .table-responsive-md, .table-responsive-lg, " +
    ".table-responsive-xl, .report .chart-figure";
  var script = document.currentScript;
  var fallback = (script && script.getAttribute("data-name")) || "";

  function scrolls(box) {
    var style = window.getComputedStyle(box);
    var sideways = /(auto|scroll)/.test(style.overflowX) && box.scrollWidth > box.clientWidth + 1;
    var down = /(auto|scroll)/.test(style.overflowY) && box.scrollHeight > box.clientHeight + 1;
    return sideways || down;
  }

  function name(box, region) {
    var title = box.querySelector("figcaption, caption");
    if (title && title.id) {
      region.setAttribute("aria-labelledby", title.id);
      return;
    }
    var text = title ? title.textContent.replace(/\s+/g, " ").trim() : "";
    region.setAttribute("aria-label", text || fallback);
  }

  function mark(box) {
    var added = [];
    function set(attr, value) {
      if (!box.hasAttribute(attr)) { box.setAttribute(attr, value); added.push(attr); }
    }
    set("tabindex", "0");
    set("role", "region");
    if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
      name(box, box);
      added.push(box.hasAttribute("aria-labelledby") ? "aria-labelledby" : "aria-label");
    }
    box.setAttribute("data-scroll-region", added.join(" "));
  }

  function unmark(box) {
    box.getAttribute("data-scroll-region").split(" ").forEach(function (attr) {
      if (attr) { box.removeAttribute(attr); }
    });
    box.removeAttribute("data-scroll-region");
  }

  function update(box) {
    var marked = box.hasAttribute("data-scroll-region");
    if (scrolls(box)) {
      if (!marked) { mark(box); }
    } else if (marked) {
      unmark(box);
    }
  }

  function updateAll() {
    Array.prototype.forEach.call(document.querySelectorAll(BOXES), update);
  }

  function start() {
    updateAll();
    window.addEventListener("resize", updateAll);
    window.addEventListener("load", updateAll);
    document.addEventListener("toggle", updateAll, true);  /* a chart's table opened or closed */
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(function (entries) {
        entries.forEach(function (entry) { update(entry.target); });
      });
      Array.prototype.forEach.call(document.querySelectorAll(BOXES), function (box) {
        observer.observe(box);
        Array.prototype.forEach.call(box.children, function (child) { observer.observe(child); });
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
