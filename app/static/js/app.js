// Small behaviours that need no library. Served by the app; no inline scripts (CSP).

// A task on the queue (an import being read, committed or undone): show its progress, and show
// the page again once it is done. A reload picks the progress up where it is.
document.addEventListener("DOMContentLoaded", function () {
  var holder = document.querySelector("[data-progress-url]");
  if (!holder) { return; }
  var bar = holder.querySelector("[data-progress-bar]");
  var text = holder.querySelector("[data-progress-text]");
  function poll() {
    fetch(holder.dataset.progressUrl, { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (!state.working || !state.alive) { window.location.reload(); return; }
        var share = state.total ? Math.round(100 * state.done / state.total) : 0;
        bar.style.width = share + "%";
        text.textContent = state.label + "…" + (state.total ? " 已处理 " + state.done.toLocaleString() + " / " +
          state.total.toLocaleString() + " 行" : "");
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
});

// Board (看板): dropping a card on another column opens the dated stage form for that move.
document.addEventListener("DOMContentLoaded", function () {
  var dragged = null;
  document.querySelectorAll(".board-card[draggable=true]").forEach(function (card) {
    card.addEventListener("dragstart", function (event) {
      dragged = card;
      event.dataTransfer.setData("text/plain", card.dataset.moveUrl);
    });
  });
  document.querySelectorAll(".board-column").forEach(function (column) {
    column.addEventListener("dragover", function (event) { event.preventDefault(); });
    column.addEventListener("drop", function (event) {
      event.preventDefault();
      if (dragged && dragged.dataset.stage !== column.dataset.stage) {
        window.location.assign(dragged.dataset.moveUrl + "?to=" + encodeURIComponent(column.dataset.stage));
      }
    });
  });
});

// Dashboard trend chart (ECharts, vendored): months of the year, projects signed and started, funds.
document.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("trend-chart");
  if (!holder || !window.echarts) { return; }
  var data = JSON.parse(holder.dataset.chart);
  var chart = window.echarts.init(holder);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: ["签约项目", "开工项目", "到位资金(万元)"] },
    xAxis: { type: "category", data: data.months },
    yAxis: [{ type: "value", name: "项目数", minInterval: 1 }, { type: "value", name: "万元" }],
    series: [
      { name: "签约项目", type: "bar", data: data.signed },
      { name: "开工项目", type: "bar", data: data.started },
      { name: "到位资金(万元)", type: "line", yAxisIndex: 1, data: data.funds }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
});

// Chain map (招商图谱): clicking a node shows its enterprises and projects beside the map; the
// link still opens the node's page when scripts are off or a key modifier asks for a new tab.
document.addEventListener("DOMContentLoaded", function () {
  var panel = document.getElementById("node-panel");
  if (!panel) { return; }
  document.querySelectorAll("a.map-node").forEach(function (node) {
    node.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey) { return; }
      event.preventDefault();
      document.querySelectorAll("a.map-node.selected").forEach(function (other) { other.classList.remove("selected"); });
      node.classList.add("selected");
      fetch(node.dataset.panel, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.text();
        })
        .then(function (html) { panel.innerHTML = html; })
        .catch(function () { panel.textContent = "加载失败，请刷新页面后重试。"; });
    });
  });
});

// Bar widths come as data-width (a percentage): the CSP allows no inline style attributes.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-width]").forEach(function (bar) {
    bar.style.width = bar.dataset.width + "%";
  });
});

// Destructive actions ask first, in a dialog (not window.confirm: styled, and testable): a form
// or its submit button with data-confirm submits only after 确定.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = (event.submitter && event.submitter.dataset.confirm) || form.dataset.confirm;
  if (!question || form.dataset.confirmed) { return; }
  event.preventDefault();
  var modal = document.getElementById("confirm-modal");
  var dialog = window.bootstrap.Modal.getOrCreateInstance(modal);
  modal.querySelector("[data-confirm-text]").textContent = question;
  modal.querySelector("[data-confirm-ok]").onclick = function () {
    form.dataset.confirmed = "1";
    dialog.hide();
    form.requestSubmit(event.submitter || undefined);
  };
  dialog.show();
});

// A picker over many records (投资方 among 100,000 enterprises; a visit's enterprises and project): a
// box above the select searches as one types (names, pinyin, initials) and lists what it finds; the
// choice stays a select, and what is already chosen stays in it. In a multiple picker a click adds
// or removes one record, so picking another never drops the ones chosen before.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-typeahead]").forEach(function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = "输入名称、拼音或首字母查找";
    box.setAttribute("aria-label", "查找" + (select.labels.length ? select.labels[0].textContent : ""));
    select.parentNode.insertBefore(box, select);
    var timer = null;
    box.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var q = box.value.trim();
        if (!q) { return; }
        fetch(select.dataset.typeahead + "?q=" + encodeURIComponent(q), { headers: { "Accept": "application/json" } })
          .then(function (response) { return response.json(); })
          .then(function (data) {
            var chosen = Array.from(select.selectedOptions).map(function (option) { return option.value; });
            Array.from(select.options).forEach(function (option) {
              if (option.value && !option.selected) { option.remove(); }
            });
            data.results.forEach(function (row) {
              if (chosen.indexOf(String(row.id)) >= 0) { return; }
              select.add(new Option(row.name + "（" + row.unit + "）", row.id));
            });
            select.size = Math.max(select.multiple ? 4 : 0, Math.min(8, select.options.length));  // a list to pick from
          });
      }, 250);
    });
    if (select.multiple) {
      select.addEventListener("mousedown", function (event) {
        if (event.target.tagName !== "OPTION") { return; }
        event.preventDefault();
        event.target.selected = !event.target.selected;
        select.focus();
      });
    } else {
      select.addEventListener("change", function () { select.size = 0; });
    }
  });
});
