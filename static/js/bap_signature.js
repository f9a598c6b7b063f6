// Examination record (BAP): the employee may sign on the screen; the drawing goes in a hidden field as a PNG data URL.
(function () {
  "use strict";
  var form = document.getElementById("bap-form");
  var canvas = document.getElementById("bap-pad");
  if (!form || !canvas || typeof SignaturePad === "undefined") { return; }
  var hidden = document.getElementById("bap-signature");
  var wrap = document.getElementById("bap-pad-wrap");
  // The refusal note only matters when the employee refuses to sign: hidden otherwise, so the form asks one thing.
  var note = form.querySelector("[name=refusal_note]");
  var noteWrap = note ? note.closest(".mb-3") : null;
  var pad = new SignaturePad(canvas, { backgroundColor: "rgb(255,255,255)" });

  function size() {
    var ratio = Math.max(window.devicePixelRatio || 1, 1);
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
  }
  function chosen() {
    var checked = form.querySelector("input[name=signing]:checked");
    return checked ? checked.value : "";
  }
  function show() {
    wrap.hidden = chosen() !== "screen";
    if (!wrap.hidden) { size(); }
    if (noteWrap) { noteWrap.hidden = chosen() !== "refused"; }
  }

  form.querySelectorAll("input[name=signing]").forEach(function (input) { input.addEventListener("change", show); });
  document.getElementById("bap-pad-clear").addEventListener("click", function () { pad.clear(); });
  form.addEventListener("submit", function () {
    hidden.value = chosen() === "screen" && !pad.isEmpty() ? pad.toDataURL("image/png") : "";
  });
  show();
})();
