// Funds overview chart of an e-town: the composition of the contract's money (万元) as
// bars, and the cumulative disbursements over time against the ceiling. Data comes from
// the json_script element "funds-chart-data" (the CSP forbids inline scripts).
(function () {
  "use strict";

  function draw() {
    var holder = document.getElementById("funds-chart");
    var source = document.getElementById("funds-chart-data");
    if (!holder || !source || !window.echarts) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var narrow = window.innerWidth < 576;
    // Set through the CSSOM (allowed by the CSP, unlike a style attribute).
    holder.style.height = narrow ? "520px" : "320px";
    var chart = window.echarts.init(holder, null, { renderer: "svg" });
    var timeline = data.timeline.length ? data.timeline : [];
    var grids = narrow
      ? [{ left: 72, right: 56, top: 30, height: 200 }, { left: 72, right: 40, top: 300, height: 180 }]
      : [{ left: 72, right: "55%", top: 30, bottom: 30 }, { left: "55%", right: 24, top: 30, bottom: 30 }];
    holder.setAttribute("data-values", JSON.stringify(data.composition.values));
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v.toFixed(2) + " 万元"; } },
      title: [
        { text: "资金构成（万元）", left: narrow ? 0 : 0, top: 0, textStyle: { fontSize: 13 } },
        { text: "累计拨付（万元）", left: narrow ? 0 : "55%", top: narrow ? 270 : 0, textStyle: { fontSize: 13 } }
      ],
      grid: grids,
      xAxis: [
        { gridIndex: 0, type: "value" },
        { gridIndex: 1, type: "time" }
      ],
      yAxis: [
        { gridIndex: 0, type: "category", data: data.composition.labels, inverse: true },
        { gridIndex: 1, type: "value", min: 0, max: Math.max(data.ceiling, 0.01) }
      ],
      series: [
        {
          name: "金额", type: "bar", xAxisIndex: 0, yAxisIndex: 0, data: data.composition.values,
          label: { show: true, position: "right", formatter: function (p) { return p.value.toFixed(2); } }
        },
        {
          name: "累计拨付", type: "line", step: "end", xAxisIndex: 1, yAxisIndex: 1, data: timeline,
          symbolSize: 7, markLine: { symbol: "none", data: [{ yAxis: data.ceiling, name: "可拨付上限" }],
            label: { formatter: "上限 {c}" }, lineStyle: { type: "dashed", color: "#b3261e" } }
        }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
