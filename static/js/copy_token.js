// Copy button for a new API token. Without JavaScript (or clipboard access) the button stays hidden
// and the read-only field can still be selected and copied by hand.
(function () {
  "use strict";
  var field = document.getElementById("api-token");
  var button = document.getElementById("api-token-copy");
  if (!field || !button) { return; }
  field.addEventListener("focus", function () { field.select(); });
  if (!navigator.clipboard || !window.isSecureContext) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(function () {
      button.textContent = button.getAttribute("data-copied");
    });
  });
})();
