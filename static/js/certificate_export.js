// Certificate ZIP download with progress. Without JavaScript the link downloads the ZIP as usual.
//
// The server streams the ZIP one certificate at a time and says how many there are (X-Certificate-Count).
// Each entry starts with a ZIP local file header ("PK\x03\x04", then the name at offset 30), so counting
// headers whose name ends in ".pdf" as the bytes arrive gives an exact "n / N"; daftar.csv comes last.
(function () {
  "use strict";
  var link = document.getElementById("zip-download");
  if (!link || !window.fetch || !window.ReadableStream || !window.TextDecoder) { return; }
  var cancel = document.getElementById("zip-cancel");
  var box = document.getElementById("zip-progress");
  var bar = document.getElementById("zip-bar");
  var status = document.getElementById("zip-status");
  var fmt = new Intl.NumberFormat(document.documentElement.lang || "id");
  var decoder = new TextDecoder("utf-8");
  var controller = null;

  function say(template, values) {
    status.textContent = template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  // Counts local file headers of .pdf entries across chunk boundaries.
  function EntryCounter() {
    this.count = 0;
    this.carry = new Uint8Array(0);
  }
  EntryCounter.prototype.push = function (chunk) {
    var buf = new Uint8Array(this.carry.length + chunk.length);
    buf.set(this.carry, 0);
    buf.set(chunk, this.carry.length);
    var i = 0;
    var end = buf.length - 3;
    while (i < end) {
      if (buf[i] === 0x50 && buf[i + 1] === 0x4b && buf[i + 2] === 0x03 && buf[i + 3] === 0x04) {
        var nameLength = i + 30 <= buf.length ? buf[i + 26] | (buf[i + 27] << 8) : 0;
        if (i + 30 > buf.length || i + 30 + nameLength > buf.length) {
          this.carry = buf.slice(i);  // an incomplete header: read it again with the next chunk
          return;
        }
        var name = decoder.decode(buf.subarray(i + 30, i + 30 + nameLength));
        if (/^[^/]+\/[^/]+\.pdf$/.test(name)) { this.count += 1; }
        i += 30 + nameLength;
        continue;
      }
      i += 1;
    }
    // Keep the last three unread bytes: a signature may straddle two chunks.
    this.carry = buf.slice(Math.max(i, buf.length - 3, 0));
  };

  function fileName(response) {
    var match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
    return match ? match[1] : "sertifikat.zip";
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  function finish() {
    controller = null;
    link.classList.remove("disabled");
    link.removeAttribute("aria-disabled");
    cancel.hidden = true;
  }

  function download(event) {
    event.preventDefault();
    if (controller) { return; }
    controller = new AbortController();
    link.classList.add("disabled");
    link.setAttribute("aria-disabled", "true");
    cancel.hidden = false;
    box.hidden = false;
    bar.value = 0;
    var counter = new EntryCounter();
    var chunks = [];
    var received = 0;
    var total = 0;
    fetch(link.href, { credentials: "same-origin", signal: controller.signal })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("application/zip") !== 0) {
          // A refusal (too many certificates, signed out) comes back as a page: let the browser show it.
          window.location.href = link.href;
          throw new Error("not a zip");
        }
        total = parseInt(response.headers.get("X-Certificate-Count") || "0", 10) || 0;
        bar.max = Math.max(total, 1);
        var name = fileName(response);
        var reader = response.body.getReader();
        function pump() {
          return reader.read().then(function (step) {
            if (step.done) { return name; }
            chunks.push(step.value);
            received += step.value.length;
            counter.push(step.value);
            bar.value = Math.min(counter.count, total);
            say(link.dataset.progress + " · " + link.dataset.received, {
              n: fmt.format(counter.count), total: fmt.format(total), mb: fmt.format(Math.round(received / 1e5) / 10)
            });
            return pump();
          });
        }
        return pump();
      })
      .then(function (name) {
        save(new Blob(chunks, { type: "application/zip" }), name);
        bar.value = bar.max;
        say(link.dataset.done, { n: fmt.format(counter.count) });
        finish();
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") {
          say(link.dataset.cancelled, {});
        } else if (!(error && error.message === "not a zip")) {
          say(link.dataset.failed, {});
        }
        finish();
      });
  }

  link.addEventListener("click", download);
  cancel.addEventListener("click", function () { if (controller) { controller.abort(); } });
}());
