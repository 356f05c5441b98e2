/* Draws the statistics page's charts with the vendored ECharts (static/vendor/echarts/). Each
   chart's numbers are in a JSON block beside it, and the same numbers are in the table below
   it, so nothing is lost without this file. */
(function () {
  "use strict";

  var RATES = ["response_rate", "resolution_rate", "satisfaction_rate"];
  var SPLITS = 5; // both y-axes have this many intervals, so their gridlines are the same lines

  // The counts' axis: 0 to SPLITS whole steps of a round size (1, 2, 5, 10, 20, 50 …) that
  // holds the largest bar, so its gridlines fall where the percentage axis's (every 20 %) do.
  function countAxis(values) {
    var largest = 0;
    values.forEach(function (v) {
      if (typeof v === "number" && v > largest) {
        largest = v;
      }
    });
    var step = 1;
    var rounds = [1, 2, 5];
    for (var magnitude = 1; step * SPLITS < largest; magnitude *= 10) {
      for (var i = 0; i < rounds.length && step * SPLITS < largest; i++) {
        step = rounds[i] * magnitude;
      }
    }
    return { type: "value", min: 0, max: step * SPLITS, interval: step, minInterval: 1 };
  }

  function option(kind, data) {
    var names = data.names;
    var series = [];
    var counted = [];
    var bars = kind === "dept" ? ["sent", "done", "returned"] : ["received"];
    var lines = kind === "dept" ? ["on_time_rate"] : RATES;
    bars.forEach(function (key) {
      series.push({ name: names[key], type: "bar", data: data.series[key], yAxisIndex: 0 });
      counted = counted.concat(data.series[key]);
    });
    lines.forEach(function (key) {
      series.push({
        name: names[key],
        type: "line",
        data: data.series[key],
        yAxisIndex: 1,
        connectNulls: true,
        smooth: kind === "line",
      });
    });
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 48, top: 40, bottom: 60 },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: data.labels.length > 6 ? 30 : 0 } },
      yAxis: [
        countAxis(counted),
        { type: "value", min: 0, max: 100, interval: 100 / SPLITS, axisLabel: { formatter: "{value}%" } },
      ],
      series: series,
    };
  }

  function draw() {
    if (!window.echarts) {
      return;
    }
    window.Minqing = window.Minqing || {};
    window.Minqing.charts = {};
    Array.prototype.forEach.call(document.querySelectorAll(".js-chart"), function (el) {
      var name = el.getAttribute("data-chart");
      var source = document.getElementById("chart-data-" + name);
      if (!source) {
        return;
      }
      var data = JSON.parse(source.textContent);
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option(el.getAttribute("data-type"), data));
      window.Minqing.charts[name] = chart;
      el.setAttribute("data-drawn", "1");
      window.addEventListener("resize", function () {
        chart.resize();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
