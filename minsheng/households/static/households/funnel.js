/* The households funnel: one ECharts funnel; each stage links to the households behind it. */
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("hh-funnel");
    var data = document.getElementById("hh-stages");
    if (!el || !data || !window.echarts) return;
    var stages = JSON.parse(data.textContent);
    var chart = window.echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "item", formatter: "{b}: {c}" },
      series: [{
        type: "funnel", sort: "none", left: "10%", width: "80%",
        label: { formatter: "{b} {c}" },
        data: stages.map(function (s) { return { name: s.label, value: s.households, code: s.code }; })
      }]
    });
    chart.on("click", function (p) { window.location = "../list/?stage=" + p.data.code; });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
