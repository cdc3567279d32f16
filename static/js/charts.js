/*
 * Draw the charts of a page with plotly.js: progressive enhancement for
 * templates/reports/_chart.html. Without this script (or without Plotly) the page still
 * shows each chart's title, its text summary and its data table.
 *
 * Markup contract:
 *   <figure class="app-chart" data-chart-source="ID">
 *     <div class="app-chart__plot" aria-hidden="true"></div>
 *   </figure>
 *   <script type="application/json" id="ID">{"data": [...], "layout": {...}}</script>
 *     (written by Django's json_script from reports.charts.Chart.figure)
 *
 * The plot stays aria-hidden: the summary and the table carry the content for screen
 * readers. Load after vendor/plotly/plotly-strict.min.js, both with defer (deferred
 * scripts run in document order). Plain ES2017, no inline handlers, no eval (CSP).
 */
(function () {
  "use strict";

  var CONFIG = { displaylogo: false, responsive: true, displayModeBar: false };
  // Horizontal bars get about 2.5rem each, plus room for the legend and the axis.
  var BAR_PX = 40;
  var FRAME_PX = 130;
  var MIN_PX = 200;
  var MAX_PX = 1200;

  /* The height a horizontal bar chart needs for its bars, or null for other charts (their
     height comes from charts.css). Set through the CSSOM, which a CSP allows. */
  function barsHeight(data) {
    var first = (data.data || [])[0];
    if (!first || first.orientation !== "h" || !first.y) {
      return null;
    }
    var px = first.y.length * BAR_PX + FRAME_PX;
    return Math.min(Math.max(px, MIN_PX), MAX_PX);
  }

  function readFigure(id) {
    var source = id && document.getElementById(id);
    if (!source) {
      return null;
    }
    try {
      return JSON.parse(source.textContent);
    } catch (error) {
      return null;
    }
  }

  function draw(figure) {
    var plot = figure.querySelector(".app-chart__plot");
    var data = readFigure(figure.getAttribute("data-chart-source"));
    if (!plot || !data) {
      return;
    }
    plot.setAttribute("aria-hidden", "true");
    var height = barsHeight(data);
    if (height) {
      plot.style.height = height + "px";
    }
    // The class gives the plot its height (an empty plot takes no room), before Plotly
    // measures the container.
    figure.classList.add("app-chart--drawn");
    Promise.resolve()
      .then(function () {
        return window.Plotly.newPlot(plot, data.data || [], data.layout || {}, CONFIG);
      })
      .catch(function () {
        figure.classList.remove("app-chart--drawn");
        plot.style.height = "";
        plot.textContent = "";
      });
  }

  function init() {
    if (!window.Plotly || typeof window.Plotly.newPlot !== "function") {
      return; // the summaries and tables are already on the page
    }
    Array.prototype.forEach.call(document.querySelectorAll("figure.app-chart"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
