// Import preview of a file with rejected rows: the import button stays disabled until "import only valid
// rows" is ticked. The server refuses such a file without the tick anyway, so nothing depends on this file.
(function () {
  "use strict";
  document.querySelectorAll("[data-requires]").forEach(function (button) {
    var box = document.getElementById(button.getAttribute("data-requires"));
    if (!box) { return; }
    function follow() { button.disabled = !box.checked; }
    box.addEventListener("change", follow);
    follow();
  });
}());
