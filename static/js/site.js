/* Partner2Connect, every page: on narrow screens the header folds its languages and navigation behind
   one "Menu" button (CSS in p2c.css: .has-menu), and filter panels start folded. Without this file
   everything stays visible and open. */
(function () {
  "use strict";
  // Phones: long filter panels start folded so the first result is on the first screen.
  if (window.matchMedia && window.matchMedia("(max-width: 40rem)").matches) {
    Array.prototype.forEach.call(document.querySelectorAll("details[data-fold-on-phone]"), function (d) {
      d.open = false;
    });
  }
  // A message about what just failed takes the focus, so it is read where the person is looking.
  var problem = document.querySelector("[data-autofocus]");
  if (problem) { problem.focus(); }
  var header = document.querySelector(".site-header");
  var button = header && header.querySelector(".menu-button");
  if (!button) { return; }
  header.classList.add("has-menu");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    header.classList.toggle("menu-open", open);
  });
  // Escape closes the open menu and returns the focus to its button.
  header.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && header.classList.contains("menu-open")) {
      button.setAttribute("aria-expanded", "false");
      header.classList.remove("menu-open");
      button.focus();
    }
  });
}());
