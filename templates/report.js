// The HTML report's only script: a filter by checklist item and severity, and folded sections that open
// when a link points into them. It reads and writes this page only: no network, no storage.
(function () {
  "use strict";
  var form = document.getElementById("filter");
  if (!form) return;
  var items = Array.prototype.slice.call(document.querySelectorAll("section.item"));
  var counter = form.querySelector(".filter-count");

  function openAround(node) {
    for (; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
  }

  function apply() {
    var wanted = form.elements.item.value;
    var severities = {};
    var boxes = form.querySelectorAll("input[name=severity]");
    var all = true;
    for (var i = 0; i < boxes.length; i++) {
      severities[boxes[i].value] = boxes[i].checked;
      all = all && boxes[i].checked;
    }
    var shown = 0, total = 0;
    items.forEach(function (item) {
      var findings = item.querySelectorAll(".evidence [data-severity]");
      var visible = 0;
      item.querySelectorAll("[data-severity]").forEach(function (f) {
        var on = severities[f.getAttribute("data-severity")] !== false;
        f.hidden = !on;
      });
      findings.forEach(function (f) { total++; if (!f.hidden) visible++; });
      item.querySelectorAll(".check").forEach(function (check) {
        check.hidden = !all && !check.querySelector("[data-severity]:not([hidden])");
      });
      var match = (!wanted || item.getAttribute("data-item") === wanted) && (all || visible > 0);
      item.hidden = !match;
      if (match) shown += visible;
      if (match && wanted) openAround(item);
    });
    counter.textContent = all && !wanted ? "" : "Showing " + shown + " of " + total + " findings.";
  }

  function follow() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    if (target) { openAround(target); target.scrollIntoView(); }
  }

  form.hidden = false;
  form.addEventListener("change", apply);
  window.addEventListener("hashchange", follow);
  follow();
})();
