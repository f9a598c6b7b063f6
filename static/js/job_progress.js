// Job page: polls the job's JSON every few seconds, moves the progress bar, reloads the page once it has finished.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var source = box.getAttribute("data-source");
  var fmt = new Intl.NumberFormat(document.documentElement.lang || "id");
  function set(id, value) { var el = document.getElementById(id); if (el) { el.textContent = value; } }

  function poll() {
    fetch(source, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (data.finished || data.status !== box.getAttribute("data-status")) { window.location.reload(); return; }
        var bar = document.getElementById("job-progress");
        if (bar) { bar.max = data.total || 1; bar.value = data.done; bar.textContent = data.percent + "%"; }
        set("job-done", fmt.format(data.done));
        set("job-total", fmt.format(data.total));
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
