// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Warn before leaving a form with unsaved changes.
  document.querySelectorAll("form[data-warn-unsaved]").forEach(function (form) {
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
  });
  // A decision takes a few seconds (the version is frozen): say so, and take one click only.
  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = true;
      });
      var note = form.querySelector(".busy-note");
      if (note) { note.hidden = false; }
      form.setAttribute("aria-busy", "true");
    });
  });
  // Selects that apply themselves (language, compared version); the button stays for no-JS.
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // User form: show the park or the province field that the chosen role needs.
  document.querySelectorAll("form[data-role-form]").forEach(function (form) {
    var role = form.querySelector("[name=role]");
    if (!role) { return; }
    var levels = { park_editor: "park", park_manager: "park", province_reviewer: "province" };
    function sync() {
      var need = levels[role.value] || "";
      ["park", "province"].forEach(function (name) {
        var wrapper = form.querySelector("#div_id_" + name);
        if (wrapper) { wrapper.hidden = need !== name; }
      });
    }
    role.addEventListener("change", sync);
    sync();
  });
})();
