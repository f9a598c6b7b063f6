// Event board: polls the small JSON endpoint every few seconds and updates the numbers in place.
(function () {
  "use strict";
  var board = document.getElementById("board");
  var source = board.getAttribute("data-source");
  var lang = document.documentElement.lang || "id";
  var fmt = new Intl.NumberFormat(lang);
  // As format_percent writes it on the server (core/formatting.py): at most one decimal, the sign right after.
  var pct = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  function set(id, value) { var el = document.getElementById(id); if (el) { el.textContent = value; } }

  function render(data) {
    set("signed", fmt.format(data.signed));
    set("required", fmt.format(data.required));
    set("percent", pct.format(data.percent) + "%");
    set("attended", fmt.format(data.attended));
    set("remote", fmt.format(data.remote));
    document.getElementById("fill").style.width = Math.min(data.percent, 100) + "%";
    if (data.attendance_code) {
      set("attendance-code", data.attendance_code);
      set("attendance-left", data.seconds_left + " s");
    }
    var list = document.getElementById("agencies");
    list.textContent = "";
    data.agencies.slice(0, 16).forEach(function (a) {
      var li = document.createElement("li");
      var name = document.createElement("span");
      name.textContent = a.name;
      var n = document.createElement("span");
      n.className = "n";
      n.textContent = fmt.format(a.signed) + " / " + fmt.format(a.required);
      li.appendChild(name);
      li.appendChild(n);
      list.appendChild(li);
    });
  }

  function poll() {
    // The URL carries the board key: no cookie needed (cheaper polls, and the board outlives the sign-in).
    fetch(source, { credentials: "omit", cache: "no-store" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) { render(data); document.getElementById("stale").hidden = true; })
      .catch(function () { document.getElementById("stale").hidden = false; })
      .finally(function () { window.setTimeout(poll, 3000); });
  }
  poll();
}());
