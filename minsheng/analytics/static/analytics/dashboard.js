/* The dashboard's charts (ECharts), on the staff page and on the big screen.
 * Data comes from the page (#dashboard-data); the big screen fetches it again every minute. */
(function () {
  "use strict";

  var FONT = 'system-ui, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", ' +
    '"Source Han Sans SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';
  var dark = document.body.classList.contains("screen");
  var charts = {};

  function base() {
    return {
      textStyle: { fontFamily: FONT },
      backgroundColor: "transparent",
      color: ["#3a7bd5", "#f0a030", "#2e9e6a", "#d9534f", "#8e6bc9", "#17a2b8", "#a0a0a0",
        "#c97b2e", "#5b8f29", "#b03a6f"],
      tooltip: { trigger: "item" },
      animation: !dark
    };
  }

  function merge(a, b) {
    Object.keys(b).forEach(function (k) { a[k] = b[k]; });
    return a;
  }

  function pie(pairs) {
    return merge(base(), {
      legend: { type: "scroll", bottom: 0, textStyle: { fontFamily: FONT } },
      series: [{ type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"], data: pairs,
        label: { formatter: "{b}\n{c}", fontFamily: FONT } }]
    });
  }

  function bars(names, values, horizontal, every) {
    var category = { type: "category", data: names,
      axisLabel: { fontFamily: FONT, interval: every === undefined ? 0 : every } };
    var value = { type: "value", minInterval: 1 };
    if (horizontal) { category.inverse = true; }
    return merge(base(), {
      tooltip: { trigger: "axis" },
      grid: { left: horizontal ? 110 : 40, right: 20, top: 20, bottom: 30 },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: [{ type: "bar", data: values, barMaxWidth: 28 }]
    });
  }

  function names(pairs) { return pairs.map(function (p) { return p.name; }); }
  function values(pairs) { return pairs.map(function (p) { return p.value; }); }

  function options(data) {
    var hours = [];
    for (var h = 0; h < 24; h++) { hours.push(String(h)); }
    var weeks = data.satisfaction.map(function (w) { return w.week.slice(5); });
    return {
      channels: pie(data.channels),
      types: pie(data.types),
      groups: bars(names(data.groups), values(data.groups), true),
      areas: bars(names(data.areas), values(data.areas), true),
      hours: bars(hours, data.hours, false, 1),
      weekdays: bars(data.weekday_names, data.weekdays, false),
      days: merge(base(), {
        tooltip: { trigger: "axis" },
        grid: { left: 40, right: 20, top: 20, bottom: 30 },
        xAxis: { type: "category", data: data.days.map(function (d) { return d.day.slice(5); }) },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ type: "line", name: "受理量", smooth: 0.2, areaStyle: { opacity: 0.15 },
          data: data.days.map(function (d) { return d.n; }) }]
      }),
      satisfaction: merge(base(), {
        tooltip: { trigger: "axis" },
        legend: { bottom: 0, textStyle: { fontFamily: FONT } },
        grid: { left: 40, right: 50, top: 20, bottom: 50 },
        xAxis: { type: "category", data: weeks },
        yAxis: [{ type: "value", minInterval: 1 }, { type: "value", min: 0, max: 100,
          axisLabel: { formatter: "{value}%" } }],
        series: [
          { type: "bar", stack: "r", name: "满意", data: data.satisfaction.map(function (w) { return w.satisfied; }), color: "#2e9e6a" },
          { type: "bar", stack: "r", name: "基本满意", data: data.satisfaction.map(function (w) { return w.basically; }), color: "#f0a030" },
          { type: "bar", stack: "r", name: "不满意", data: data.satisfaction.map(function (w) { return w.unsatisfied; }), color: "#d9534f" },
          { type: "line", name: "满意率", yAxisIndex: 1, data: data.satisfaction.map(function (w) { return w.rate; }), color: "#3a7bd5" }
        ]
      })
    };
  }

  function numbers(data) {
    var last = data.satisfaction.length ? data.satisfaction[data.satisfaction.length - 1] : null;
    var flat = {
      total: data.total,
      daily_mean: data.daily_mean,
      "open.open": data.open.open,
      "open.due_soon": data.open.due_soon,
      "open.overdue": data.open.overdue,
      last_rate: last && last.rate !== null ? last.rate + "%" : "—",
      period: data.period.start + " — " + data.period.end,
      updated: new Date().toLocaleTimeString("zh-CN", { hour12: false })
    };
    document.querySelectorAll("[data-value]").forEach(function (el) {
      var key = el.getAttribute("data-value");
      if (key in flat) { el.textContent = flat[key]; }
    });
  }

  function draw(data) {
    var all = options(data);
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var name = el.getAttribute("data-chart");
      if (!charts[name]) { charts[name] = window.echarts.init(el, dark ? "dark" : null); }
      charts[name].setOption(all[name], true);
    });
    numbers(data);
  }

  function refresh(url) {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && !data.errors) { draw(data); } })
      .catch(function () { /* keep the last numbers; try again next minute */ });
  }

  function start() {
    var source = document.getElementById("dashboard-data");
    if (!source || !window.echarts) { return; }
    draw(JSON.parse(source.textContent));
    window.addEventListener("resize", function () {
      Object.keys(charts).forEach(function (k) { charts[k].resize(); });
    });
    var url = document.body.getAttribute("data-refresh-url");
    if (url) {
      var seconds = parseInt(document.body.getAttribute("data-refresh-seconds"), 10) || 60;
      window.setInterval(function () { refresh(url); }, seconds * 1000);
    }
    var full = document.querySelector("[data-fullscreen]");
    if (full && document.documentElement.requestFullscreen) {
      full.addEventListener("click", function () { document.documentElement.requestFullscreen(); });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
