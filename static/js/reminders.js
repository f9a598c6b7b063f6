// Reminder list: a "Salin pesan" button under each prefilled message. Without JavaScript the message
// stays selectable in its read-only text box, so nothing depends on this file.
(function () {
  "use strict";
  function copyFrom(box) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(box.value);
    }
    box.select();  // plain http (an intranet address): the old way still works there
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var box = document.getElementById(button.getAttribute("data-copy"));
    if (!box) { return; }
    var label = button.textContent;
    button.classList.remove("d-none");
    button.addEventListener("click", function () {
      copyFrom(box).then(function () {
        button.textContent = button.getAttribute("data-copied");
        window.setTimeout(function () { button.textContent = label; }, 2000);
      }, function () { box.select(); });
    });
  });
}());
