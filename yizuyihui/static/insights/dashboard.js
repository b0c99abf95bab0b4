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
    echarts.init(tiers).setOption({
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["40%", "70%"], data: data.tiers.map(function (t) {
        return { name: tiers.dataset.tier + " " + t.name, value: t.value };
      }) }]
    });
  }
})();
