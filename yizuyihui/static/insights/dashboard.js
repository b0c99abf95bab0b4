// Draws the measures dashboard from the JSON the page embeds (no inline script: strict CSP).
(function () {
  var el = document.getElementById("insights-chart-data");
  if (!el || !window.echarts) return;
  var data = JSON.parse(el.textContent);
  var monthly = document.getElementById("chart-monthly");
  if (monthly) {
    echarts.init(monthly).setOption({
      tooltip: { trigger: "axis" },
      legend: {},
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value" },
      series: [
        { name: monthly.dataset.filed, type: "bar", data: data.filed },
        { name: monthly.dataset.resolved, type: "line", data: data.resolved }
      ]
    });
  }
  var tiers = document.getElementById("chart-tiers");
  if (tiers) {
    // The tiers' names in a legend below and only the share by each slice: on a phone the names
    // beside the slices were cut to "层...".
    echarts.init(tiers).setOption({
      tooltip: { trigger: "item" },
      legend: { bottom: 0 },
      series: [{ type: "pie", radius: ["35%", "62%"], center: ["50%", "45%"], label: { formatter: function (p) { return Math.round(p.percent) + "%"; } },
                 data: data.tiers.map(function (t) {
        return { name: tiers.dataset.tier + " " + t.name, value: t.value };
      }) }]
    });
  }
  window.addEventListener("resize", function () {  // a phone turned sideways: redraw to the new width
    [monthly, tiers].forEach(function (c) { var chart = c && echarts.getInstanceByDom(c); if (chart) { chart.resize(); } });
  });
})();
