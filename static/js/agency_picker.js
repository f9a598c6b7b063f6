// The event form's agency picker (templates/events/_agency_picker.html): the lists work without this script; it
// adds a search filter and, since a ticked parent already includes its sub-units, ticks and locks them.
(function () {
  "use strict";

  function boxOf(item) { return item.querySelector(":scope > label input[type=checkbox]"); }
  function itemsBelow(item) { return item.querySelectorAll(":scope > ul li.agency-node"); }

  // A parent ticked: its sub-units show ticked and are disabled (not sent: the parent covers them).
  function lockBelow(item, locked) {
    itemsBelow(item).forEach(function (child) {
      var box = boxOf(child);
      box.checked = locked;
      box.disabled = locked;
    });
  }

  function applyLocks(picker) {
    picker.querySelectorAll("li.agency-node").forEach(function (item) {
      if (boxOf(item).checked && !boxOf(item).disabled) { lockBelow(item, true); }
    });
  }

  function filter(picker, query) {
    var words = query.toLowerCase().trim();
    var any = false;
    var items = Array.prototype.slice.call(picker.querySelectorAll("li.agency-node")).reverse(); // children first
    items.forEach(function (item) {
      var label = item.querySelector(":scope > label").textContent.toLowerCase();
      var childShown = Array.prototype.some.call(item.querySelectorAll(":scope > ul > li"), function (c) { return !c.hidden; });
      item.hidden = !(words === "" || label.indexOf(words) !== -1 || childShown);
      any = any || !item.hidden;
    });
    picker.querySelector(".agency-no-match").hidden = any;
  }

  document.querySelectorAll("[data-agency-picker]").forEach(function (picker) {
    var search = picker.querySelector(".agency-search");
    search.hidden = false;
    search.addEventListener("input", function () { filter(picker, search.value); });
    search.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); } });
    picker.addEventListener("change", function (event) {
      var item = event.target.closest("li.agency-node");
      if (item && event.target === boxOf(item)) { lockBelow(item, event.target.checked); }
    });
    applyLocks(picker);
  });
}());
