// Indicator tracking chart on the e-town page: the cumulative value of each target month by
// month (from accepted monthly reports), with the target as a dashed line. Data comes from
// the json_script element "indicator-chart-data" (the CSP forbids inline scripts).
(function () {
  "use strict";

  function draw() {
    var holder = document.getElementById("indicator-chart");
    var source = document.getElementById("indicator-chart-data");
    var select = document.getElementById("indicator-chart-select");
    if (!holder || !source || !window.echarts) {
      return;
    }
    var data = JSON.parse(source.textContent);
    // Set through the CSSOM (allowed by the CSP, unlike a style attribute).
    holder.style.height = window.innerWidth < 576 ? "260px" : "320px";
    var chart = window.echarts.init(holder, null, { renderer: "svg" });

    function show(id) {
      var series = data.series.filter(function (s) { return String(s.id) === String(id); })[0] || data.series[0];
      if (!series) {
        return;
      }
      // One series per contract when two contractors report on the e-town (issue 11).
      var label = series.contract ? series.name + "（" + series.contract + "）" : series.name;
      holder.setAttribute("data-series", label);
      holder.setAttribute("data-values", JSON.stringify(series.values));
      chart.setOption({
        animation: false,
        grid: { left: 64, right: 24, top: 36, bottom: 64 },
        tooltip: {
          trigger: "axis",
          valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + " " + series.unit; }
        },
        legend: { data: [label + "（累计）", "目标值"], bottom: 0 },
        xAxis: { type: "category", data: data.months, boundaryGap: false },
        yAxis: { type: "value", name: series.unit, min: 0 },
        series: [
          {
            name: label + "（累计）",
            type: "line",
            data: series.values,
            connectNulls: true,
            symbolSize: 7,
            label: { show: true, position: "top" }
          },
          {
            name: "目标值",
            type: "line",
            data: data.months.map(function () { return series.target; }),
            symbol: "none",
            lineStyle: { type: "dashed" }
          }
        ]
      }, true);
    }

    show(select ? select.value : null);
    if (select) {
      select.addEventListener("change", function () { show(select.value); });
    }
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
