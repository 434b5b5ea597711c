/* 规划监测 charts: reads the page's #chart-data (json_script) and draws with the vendored ECharts. */
(function () {
  var el = document.getElementById("chart-data");
  if (!el || !window.echarts) return;
  var data = JSON.parse(el.textContent);
  var dark = document.body.classList.contains("screen");
  function chart(id) {
    var node = document.getElementById(id);
    if (!node) return null;
    var c = echarts.init(node, dark ? "dark" : null);
    window.addEventListener("resize", function () { c.resize(); });
    return c;
  }
  var colours = data.colours || {};
  var pie = chart("status-chart");
  if (pie && data.counts) {
    pie.setOption({
      backgroundColor: "transparent",
      tooltip: { trigger: "item", formatter: "{b}：{c}项（{d}%）" },
      legend: { bottom: 0 },
      series: [{ type: "pie", radius: ["40%", "70%"], label: { formatter: "{b}\n{c}项" },
        data: Object.keys(data.counts).map(function (k) {
          return { name: k, value: data.counts[k], itemStyle: { color: colours[k] } };
        }) }]
    });
  }
  var trend = chart("trend-chart");
  if (trend && data.trend) {
    trend.setOption({
      tooltip: { trigger: "axis" }, legend: { data: ["实际值", "按进度应达"] },
      xAxis: { type: "category", data: data.trend.map(function (r) { return r.year + "年"; }) },
      yAxis: { type: "value", name: data.unit },
      series: [
        { name: "实际值", type: "line", data: data.trend.map(function (r) { return r.value; }), connectNulls: false },
        { name: "按进度应达", type: "line", lineStyle: { type: "dashed" },
          data: data.trend.map(function (r) { return r.expected; }) }
      ]
    });
  }
  var below = chart("below-chart");
  if (below && data.below) {
    below.setOption({
      tooltip: { trigger: "axis" }, grid: { left: 60, bottom: 60 },
      xAxis: { type: "category", data: data.below.map(function (r) { return r.name; }), axisLabel: { rotate: 30 } },
      yAxis: { type: "value", name: data.unit },
      series: [{ type: "bar", data: data.below.map(function (r) {
        return { value: r.value, code: r.code, itemStyle: { color: colours[r.status] || "#1d5fa8" } };
      }) }]
    });
    // drill down: a bar opens the same indicator one level lower
    below.on("click", function (p) {
      if (p.data && p.data.code) {
        window.location = window.location.pathname.replace(/\/monitoring\/[^/]+\//, "/monitoring/" + p.data.code + "/") + window.location.search;
      }
    });
  }
  // 大屏: percentages only, on a 0–100 % axis; every bar labelled (counts are tiles beside it, never on this axis).
  var progress = chart("progress-chart");
  if (progress && data.rows) {
    var rows = data.rows;
    var top = Math.max(100, Math.max.apply(null, rows.map(function (r) { return Math.max(r.value || 0, r.expected || 0); })));
    progress.setOption({
      backgroundColor: "transparent", tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
      legend: { data: ["实际值", "按进度应达"], top: 0 }, grid: { left: 300, right: 60, top: 30 },
      xAxis: { type: "value", name: "%", max: top, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.name; }),
        axisLabel: { interval: 0, width: 280, overflow: "truncate" } },
      series: [
        { name: "实际值", type: "bar", data: rows.map(function (r) {
          return { value: r.value, itemStyle: { color: colours[r.status] || "#1d5fa8" } };
        }), label: { show: true, position: "right", formatter: "{c}%" } },
        { name: "按进度应达", type: "scatter", symbol: "diamond", data: rows.map(function (r) { return r.expected; }) }
      ]
    });
  }
  // 五地对比: the percentage rows, one bar per place.
  var compare = chart("compare-chart");
  if (compare && data.shares) {
    compare.setOption({
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "无数据" : v + "%"; } },
      legend: { data: data.areas, top: 0 }, grid: { left: 300, right: 40, top: 40 },
      xAxis: { type: "value", name: "%", axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", inverse: true, data: data.shares.map(function (r) { return r.name; }),
        axisLabel: { interval: 0, width: 280, overflow: "truncate" } },
      series: data.areas.map(function (name, i) {
        return { name: name, type: "bar", data: data.shares.map(function (r) { return r.values[i]; }) };
      })
    });
  }
})();
