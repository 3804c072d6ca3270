// Section editor: autosave a few seconds after typing stops and when the page is left, show
// "saved at hh:mm", and show both versions when someone else saved first. The explicit Save
// button still works without this script.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave-url]");
  if (!form) { return; }
  var url = form.getAttribute("data-autosave-url");
  var textarea = form.querySelector("textarea[name=body]");
  var revision = form.querySelector("input[name=revision]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var status = document.getElementById("save-status");
  var words = document.getElementById("word-count");
  var conflictBox = document.getElementById("autosave-conflict");
  var text = JSON.parse(document.getElementById("editor-messages").textContent);
  var DELAY = 3000;
  var dirty = false, saving = false, blocked = false, timer = null;

  function show(message, tone) {
    status.textContent = message;
    status.className = "small text-" + (tone || "body-secondary");
  }
  // JSON, the CSRF token in its header: the server parses it in C (a form-encoded Chinese
  // text is thousands of %XX escapes)
  function payload() {
    return JSON.stringify({ body: textarea.value, revision: revision.value });
  }
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(save, DELAY);
  }
  function save(keepalive) {
    if (!dirty || saving || blocked) { return; }
    saving = true;
    var sent = textarea.value;
    show(text.saving);
    fetch(url, { method: "POST", body: payload(), credentials: "same-origin",
                 // browsers refuse keepalive bodies over 64 KiB; the unload warning covers those
                 keepalive: keepalive === true && textarea.value.length < 20000,
                 headers: { "X-Requested-With": "fetch", "Content-Type": "application/json",
                            "X-CSRFToken": csrf } })
      .then(function (response) {
        return response.json().then(function (data) { return { status: response.status, data: data }; });
      })
      .then(function (result) {
        saving = false;
        if (result.status === 200) {
          revision.value = result.data.revision;
          dirty = textarea.value !== sent;
          show(text.saved.replace("%(time)s", result.data.saved_at), dirty ? "warning-emphasis" : "success");
          words.textContent = result.data.words;
          if (dirty) { schedule(); }
        } else if (result.status === 409) {
          blocked = true;
          conflictBox.querySelector("[data-conflict-message]").textContent = result.data.message;
          // The stored body was sanitized on the server when it was saved.
          conflictBox.querySelector("[data-conflict-body]").innerHTML = result.data.body;
          // The differences, escaped on the server: <del> only in yours, <ins> only in theirs.
          conflictBox.querySelector("[data-conflict-diff]").innerHTML = result.data.diff;
          conflictBox.dataset.revision = result.data.revision;
          conflictBox.classList.remove("d-none");
          conflictBox.scrollIntoView({ behavior: "smooth", block: "center" });
          show(text.unsaved, "danger");
        } else if (result.status === 400 && result.data.errors) {
          // refused for a reason the user must see (e.g. the plan went under review)
          blocked = true;
          var errors = result.data.errors;
          show(Array.isArray(errors) ? errors.join(" ") : text.failed, "danger");
        } else {
          show(text.failed, "danger");
          schedule();
        }
      })
      .catch(function () {
        saving = false;
        show(text.failed, "danger");
        schedule();
      });
  }

  // The skip link at the top of the page goes to the editing area (the rich-text editor
  // replaces the textarea it names).
  var skip = document.querySelector("[data-skip-to-editor]");
  if (skip) {
    skip.addEventListener("click", function (event) {
      var editable = form.querySelector(".ProseMirror[contenteditable=true]");
      if (!editable) { return; }
      event.preventDefault();
      editable.focus();
      editable.scrollIntoView({ block: "center" });
    });
  }

  textarea.addEventListener("input", function () {
    dirty = true;
    if (!blocked) { show(text.unsaved, "warning-emphasis"); schedule(); }
  });
  conflictBox.querySelector("[data-conflict-keep-mine]").addEventListener("click", function () {
    revision.value = conflictBox.dataset.revision;
    conflictBox.classList.add("d-none");
    blocked = false;
    dirty = true;
    save();
  });
  form.addEventListener("submit", function () { dirty = false; clearTimeout(timer); });
  // Leaving the page (or switching tabs): save now; keepalive lets the request outlive the
  // page, and if the page stays, the answer updates the revision as usual.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { clearTimeout(timer); save(true); }
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
})();
