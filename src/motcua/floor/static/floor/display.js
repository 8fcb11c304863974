// Waiting-room display: server-sent events with reconnection (EventSource retries by itself,
// resuming after Last-Event-ID), the spoken call played in order.
(function () {
  "use strict";
  var body = document.body;
  var url = body.getAttribute("data-events");
  var last = body.getAttribute("data-last") || "0";
  var audio = document.getElementById("speech");
  var queue = [];
  var playing = false;
  var state = document.getElementById("link-state");

  function playNext() {
    if (playing || !queue.length) { return; }
    playing = true;
    audio.src = queue.shift();
    var done = function () { playing = false; playNext(); };
    audio.onended = done;
    audio.onerror = done;
    var p = audio.play();
    if (p && p.catch) { p.catch(done); }
  }

  function show(call) {
    document.getElementById("latest-number").textContent = call.number;
    document.getElementById("latest-counter").textContent = call.counter;
    document.body.setAttribute("data-audio", call.audio);
    var rows = document.getElementById("calls");
    var row = document.createElement("tr");
    row.setAttribute("data-call", call.id);
    var a = document.createElement("td"); a.textContent = call.number;
    var b = document.createElement("td"); b.textContent = call.counter;
    row.appendChild(a); row.appendChild(b);
    rows.insertBefore(row, rows.firstChild);
    while (rows.children.length > 8) { rows.removeChild(rows.lastChild); }
    var latest = document.querySelector(".latest");
    latest.classList.remove("flash"); void latest.offsetWidth; latest.classList.add("flash");
    queue.push(call.audio);
    playNext();
  }

  function connect() {
    var source = new EventSource(url + "?after=" + encodeURIComponent(last));
    source.addEventListener("open", function () { state.textContent = ""; body.classList.add("live"); });
    source.addEventListener("call", function (e) {
      var call = JSON.parse(e.data);
      last = String(call.id);
      show(call);
    });
    source.onerror = function () {
      state.textContent = "Mất kết nối, đang kết nối lại…";
      body.classList.remove("live");
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(connect, 2000);  // the browser gave up: start a new stream after the last call
      }
    };
  }
  document.getElementById("sound-on").addEventListener("click", function () {
    audio.muted = false; this.hidden = true;
  });
  connect();
})();
