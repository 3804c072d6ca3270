// The data page's tables as one grid with one save (templates/indicators/data.html).
// Marks each table the user changed ("Unsaved changes" on its heading, and the list in the save
// bar), and asks before leaving the page only while something is unsaved. The page works
// without it: the server marks the tables that a refused save kept unsaved.
(function () {
  "use strict";
  var form = document.querySelector("form[data-grid-form]");
  if (!form) { return; }
  var parts = Array.prototype.slice.call(document.querySelectorAll("[data-grid-part]"));
  var clean = form.querySelector("[data-grid-clean]");
  var dirtyNote = form.querySelector("[data-grid-dirty]");
  var dirtyList = form.querySelector("[data-grid-dirty-list]");
  var separator = dirtyList.getAttribute("data-separator") || ", ";
  var submitting = false;

  function fields(part) {
    return Array.prototype.filter.call(
      part.querySelectorAll("input, select, textarea"),
      function (field) { return field.form === form && field.type !== "hidden"; }
    );
  }

  function changed(field) {
    if (field.tagName === "SELECT") {
      return Array.prototype.some.call(field.options, function (option) {
        return option.selected !== option.defaultSelected;
      });
    }
    return field.value !== field.defaultValue;
  }

  function unsaved(part) {
    // data-unsaved: the server kept this part's typed values after a refused save
    return part.hasAttribute("data-unsaved") || fields(part).some(changed);
  }

  function refresh() {
    var dirty = parts.filter(unsaved);
    parts.forEach(function (part) {
      var badge = part.querySelector("[data-unsaved-badge]");
      if (badge) { badge.hidden = dirty.indexOf(part) === -1; }
    });
    clean.hidden = dirty.length > 0;
    dirtyNote.hidden = dirty.length === 0;
    dirtyList.textContent = dirty.map(function (part) {
      return part.getAttribute("data-grid-title");
    }).join(separator);
  }

  function onEdit(event) {
    if (event.target.form === form) { refresh(); }
  }

  document.addEventListener("input", onEdit);
  document.addEventListener("change", onEdit);
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && parts.some(unsaved)) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  refresh();
})();
