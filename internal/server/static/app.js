// sitrep UI: time-series charts (uPlot) and the actor network (cytoscape).
// Data come from <script type="application/json"> blocks written by the
// server; nothing is fetched from elsewhere.
(function () {
  "use strict";
  var quadColors = ["#98a2b3", "#3b82c4", "#2e9e6a", "#d98a1f", "#c43b3b"];
  var quadNames = ["", "verbal cooperation", "material cooperation", "verbal conflict", "material conflict"];

  function data(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  function periodsChart() {
    var el = document.getElementById("chart");
    var d = data("chart-data");
    if (!el || !d || !window.uPlot || !d.x || d.x.length === 0) return;
    // stacked bars: cumulative sums per quad class
    var stacks = [], acc = d.x.map(function () { return 0; });
    for (var q = 0; q < 4; q++) {
      acc = acc.map(function (v, i) { return v + d.q[q][i]; });
      stacks.push(acc.slice());
    }
    var bars = uPlot.paths.bars({ size: [0.7, 40] });
    // periods are placed by index, labelled with their start: a stray
    // old date does not squeeze the rest of the chart into a corner
    var xs = d.x.map(function (_, i) { return i; });
    var series = [{ label: "period", value: function (u, v) { return v == null ? "--" : (d.labels[v] || ""); } }];
    var values = [xs];
    for (var s = 3; s >= 0; s--) {
      series.push({ label: quadNames[s + 1], stroke: quadColors[s + 1], fill: quadColors[s + 1], paths: bars, points: { show: false }, scale: "n",
        value: (function (s) { return function (u, v, si, i) { return i == null ? "" : d.q[s][i]; }; })(s) });
      values.push(stacks[s]);
    }
    series.push({ label: "mean Goldstein", stroke: "#1d2330", width: 2, scale: "g", points: { show: true, size: 5 } });
    values.push(d.goldstein);
    var n = xs.length;
    var opts = {
      width: Math.max(320, el.clientWidth - 16), height: 300,
      scales: { x: { time: false, range: function () { return [-0.6, n - 0.4]; } }, n: { range: function (u, min, max) { return [0, Math.max(1, max)]; } }, g: { range: [-10, 10] } },
      axes: [
        { incrs: [1, 2, 3, 4, 6, 12, 24, 52], space: 60, values: function (u, splits) { return splits.map(function (i) { return Number.isInteger(i) && d.labels[i] ? d.labels[i] : ""; }); } },
        { scale: "n", label: "events" },
        { scale: "g", side: 1, label: "Goldstein", grid: { show: false } }
      ],
      series: series
    };
    new uPlot(opts, values, el);
  }

  function network() {
    var el = document.getElementById("network");
    var d = data("network-data");
    if (!el || !d || !window.cytoscape) return;
    var maxEv = 1;
    d.edges.forEach(function (e) { if (e.events > maxEv) maxEv = e.events; });
    var elements = [];
    d.nodes.forEach(function (n) {
      elements.push({ data: { id: n.id, label: n.label, size: 18 + 6 * Math.sqrt(n.events) } });
    });
    d.edges.forEach(function (e, i) {
      elements.push({ data: { id: "e" + i, source: e.source, target: e.target, weight: 1 + 7 * e.events / maxEv, color: quadColors[e.quad] || quadColors[0],
        title: e.source + " → " + e.target + ": " + e.events + " events (" + quadNames[e.quad] + ")" } });
    });
    var cy = cytoscape({
      container: el, elements: elements, wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: { "background-color": "#1d2330", label: "data(label)", width: "data(size)", height: "data(size)", "font-size": 10, color: "#1d2330", "text-valign": "bottom", "text-margin-y": 3, "text-wrap": "wrap", "text-max-width": 110 } },
        { selector: "edge", style: { width: "data(weight)", "line-color": "data(color)", "target-arrow-color": "data(color)", "target-arrow-shape": "triangle", "curve-style": "bezier", opacity: 0.8 } }
      ],
      layout: { name: "cose", animate: false, nodeRepulsion: function () { return 9000; }, idealEdgeLength: function () { return 90; }, randomize: false, fit: true, padding: 30 }
    });
    cy.on("tap", "edge", function (ev) {
      var e = ev.target.data();
      window.location.href = "/dyads/" + encodeURIComponent(e.source) + "/" + encodeURIComponent(e.target) + "?directed=true";
    });
    cy.on("tap", "node", function (ev) {
      window.location.href = "/search?actor=" + encodeURIComponent(ev.target.id());
    });
    cy.on("mouseover", "edge", function (ev) { el.title = ev.target.data("title"); });
    cy.on("mouseout", "edge", function () { el.title = ""; });
    el.setAttribute("data-ready", String(cy.nodes().length));
  }

  document.addEventListener("DOMContentLoaded", function () {
    periodsChart();
    network();
  });
})();
