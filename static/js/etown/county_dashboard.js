// Draws the county dashboard's charts from the json_script block "dashboard-charts":
// {id: {type: "bar" | "stacked" | "pie", title, labels, series: [{name, data}]}}.
// Every element with data-chart="<id>" gets its chart (CSP: no inline script).
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof echarts === "undefined") { return; }
  var charts = JSON.parse(source.textContent);
  var palette = ["#198754", "#ffc107", "#adb5bd", "#1f4e79", "#b3261e", "#0dcaf0", "#6f42c1"];

  function options(spec) {
    if (spec.type === "pie") {
      // One fixed colour per label, so a phase keeps its colour when others are empty.
      var phaseColours = ["#6c757d", "#1f4e79", "#0dcaf0", "#ffc107", "#212529"];
      return {
        tooltip: { trigger: "item" },
        legend: { bottom: 0, type: "scroll" },
        series: [{
          type: "pie", radius: ["35%", "65%"], avoidLabelOverlap: true,
          label: { formatter: "{b}\n{c}" },
          data: spec.labels.map(function (label, i) {
            return { name: label, value: spec.series[0].data[i],
                     itemStyle: { color: phaseColours[i % phaseColours.length] } };
          }).filter(function (d) { return d.value > 0; })
        }]
      };
    }
    var stacked = spec.type === "stacked";
    return {
      color: stacked ? palette : ["#1f4e79"],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: stacked ? { bottom: 0 } : undefined,
      grid: { left: 8, right: 16, top: 16, bottom: stacked ? 36 : 8, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: spec.labels, axisLabel: { width: 140, overflow: "truncate" } },
      series: spec.series.map(function (s) {
        return { name: s.name, type: "bar", stack: stacked ? "total" : undefined, data: s.data,
                 label: { show: !stacked, position: "right" } };
      })
    };
  }

  var drawn = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var spec = charts[el.getAttribute("data-chart")];
    if (!spec) { return; }
    if (!spec.labels.length) {
      el.classList.add("chart-box-empty");
      el.textContent = "暂无数据";
      return;
    }
    if (spec.type !== "pie" && spec.labels.length > 6) {
      el.classList.add("chart-box-tall");
    }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(options(spec));
    el.setAttribute("data-chart-ready", "1");
    drawn.push(chart);
  });
  window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
})();
