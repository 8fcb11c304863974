/* The dashboard's charts (Chart.js, vendored). Data and labels come from json_script blocks
   of the page: the Content Security Policy allows no inline script. */
(function () {
  "use strict";
  function draw() {
    var d = JSON.parse(document.getElementById("dash-data").textContent);
    var t = JSON.parse(document.getElementById("dash-labels").textContent);
    var red = "#b3261e", green = "#1b7a3a", grey = "#8c8794";
    function go(urls) { return function (evt, items) { if (items.length) { window.location = urls[items[0].index]; } }; }
    new Chart(document.getElementById("chart-days"), {
      data: { labels: d.days, datasets: [
        { type: "bar", label: t.received, data: d.received, backgroundColor: red },
        { type: "line", label: t.processed, data: d.processed, borderColor: green, backgroundColor: green }
      ] },
      options: { maintainAspectRatio: false, onClick: go(d.received_urls), scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
    new Chart(document.getElementById("chart-channels"), {
      type: "doughnut",
      data: { labels: [t.online, t.counter, t.post],
              datasets: [{ data: [d.channels.online, d.channels.counter, d.channels.post], backgroundColor: [green, red, grey] }] },
      options: { maintainAspectRatio: false }
    });
    function rateChart(id, labels, values) {
      new Chart(document.getElementById(id), {
        type: "bar",
        data: { labels: labels, datasets: [{ label: t.rate, data: values, backgroundColor: green }] },
        options: { indexAxis: "y", maintainAspectRatio: false, scales: { x: { min: 0, max: 100 } }, plugins: { legend: { display: false } } }
      });
    }
    rateChart("chart-agencies", d.agencies, d.agency_on_time);
    rateChart("chart-fields", d.fields, d.field_on_time);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
