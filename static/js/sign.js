// Signature drawing on the declaration page (signature_pad), plus double-submit protection.
(function () {
  "use strict";
  var canvas = document.getElementById("pad");
  var form = document.getElementById("declaration");
  if (!canvas || !form || !window.SignaturePad) { return; }
  var pad = new window.SignaturePad(canvas, { minWidth: 1, maxWidth: 2.8, penColor: "#0b1f4d" });
  var hidden = document.getElementById("signature");
  var empty = document.getElementById("pad-empty");
  var submit = document.getElementById("submit");
  // After a refusal the server sends the drawing back (data-drawing on the canvas): redraw it, not a blank pad.
  var drawing = canvas.getAttribute("data-drawing") || "";

  function resize() {
    // Match the backing store to the CSS size and pixel ratio, or strokes land off the finger.
    var ratio = Math.max(window.devicePixelRatio || 1, 1);
    var data = pad.toData();
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    if (!drawing) {
      pad.fromData(data);
      return;
    }
    pad.fromDataURL(drawing, { ratio: ratio, width: canvas.offsetWidth, height: canvas.offsetHeight })
      .then(function () { pad.fromData(data, { clear: false }); }, function () { drawing = ""; });
  }
  window.addEventListener("resize", resize);
  resize();

  pad.addEventListener("beginStroke", function () { empty.hidden = true; });

  document.getElementById("pad-clear").addEventListener("click", function () {
    drawing = "";
    pad.clear();
    hidden.value = "";
  });

  form.addEventListener("submit", function (event) {
    if (pad.isEmpty()) {
      event.preventDefault();
      empty.hidden = false;
      canvas.scrollIntoView({ block: "center" });
      return;
    }
    empty.hidden = true;
    hidden.value = pad.toDataURL("image/png");
    // A second tap while the network is slow must not send a second request; the server is safe anyway.
    submit.disabled = true;
    window.setTimeout(function () { submit.disabled = false; }, 15000);
  });
}());
