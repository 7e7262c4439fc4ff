/* Partner2Connect, event page: the room's live counter. Every data-counter-seconds it asks
   data-counter-url (JSON) for the pledges announced at the event and updates the figures in place,
   so a pledge prepared "to be announced" shows up at its announcement time without a reload.
   Without this file the page shows the figures as of its loading. */
(function () {
  "use strict";
  var box = document.querySelector("[data-counter-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-counter-url");
  var seconds = parseInt(box.getAttribute("data-counter-seconds"), 10) || 15;
  var formatter = window.Intl ? new Intl.NumberFormat(document.documentElement.lang || undefined) : null;
  function show(data) {
    Array.prototype.forEach.call(box.querySelectorAll("[data-counter]"), function (el) {
      var key = el.getAttribute("data-counter");
      if (!(key in data)) { return; }
      var value = data[key];
      el.textContent = (typeof value === "number" && formatter) ? formatter.format(value) : String(value);
    });
  }
  function poll() {
    if (document.hidden) { return; }
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { show(data); } })
      .catch(function () { /* offline for a moment: try again next time */ });
  }
  window.setInterval(poll, seconds * 1000);
})();
