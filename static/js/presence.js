// Who else has this section open (plans.presence): a heartbeat while the page is visible, and
// their names beside the save status, so two people see each other before they collide.
(function () {
  "use strict";
  var box = document.getElementById("presence");
  var token = document.querySelector("[name=csrfmiddlewaretoken]");
  if (!box || !token || !window.fetch) { return; }
  var url = box.dataset.presenceUrl;
  var beat = 20;
  function show(names) {
    box.textContent = names.length
      ? interpolate(gettext("%(names)s also has this section open."), { names: names.join("、") }, true)
      : "";
  }
  function ping() {
    if (document.visibilityState !== "visible") { return; }
    fetch(url, { method: "POST", credentials: "same-origin",
                 headers: { "X-CSRFToken": token.value, "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data) { beat = data.beat || beat; show(data.others || []); }
      })
      .catch(function () { /* a missed beat only hides names until the next one */ });
  }
  ping();
  setInterval(ping, beat * 1000);
  document.addEventListener("visibilitychange", ping);
})();
