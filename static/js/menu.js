// The site menu on a phone: folded behind the "Menu" button of the header (templates/base.html), opened and
// closed by it. The class set here at once, before the page is drawn, is what lets the stylesheet fold the
// menu: without this script the button stays hidden and the menu open.
(function () {
  "use strict";

  document.documentElement.classList.add("js-menu");

  function bind() {
    var toggle = document.querySelector("[data-menu-toggle]");
    if (!toggle) {
      return;
    }
    var header = toggle.closest(".site-header");
    var menu = document.getElementById(toggle.getAttribute("aria-controls"));

    function setOpen(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("menu-open", open);
    }

    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    // Escape closes the open menu and gives the focus back to its button.
    header.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        if (menu && menu.contains(document.activeElement)) {
          toggle.focus();
        }
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", bind);
  } else {
    bind();
  }
})();
