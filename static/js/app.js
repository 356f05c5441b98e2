/* Site-wide enhancements. Every page works without this file. */
(function () {
  "use strict";

  var KEY = "minqing:large-text";
  var root = document.documentElement;

  function stored() {
    try {
      return window.localStorage.getItem(KEY) === "1";
    } catch (e) {
      return false; // private mode or storage switched off
    }
  }

  function remember(on) {
    try {
      if (on) {
        window.localStorage.setItem(KEY, "1");
      } else {
        window.localStorage.removeItem(KEY);
      }
    } catch (e) {
      /* nothing to do: the switch still works for this page */
    }
  }

  // Apply the saved choice as early as this deferred script can.
  if (stored()) {
    root.classList.add("large-text");
  }

  function setUp() {
    var buttons = document.querySelectorAll(".js-large-text");
    Array.prototype.forEach.call(buttons, function (button) {
      button.hidden = false;
      button.setAttribute("aria-pressed", root.classList.contains("large-text") ? "true" : "false");
      button.addEventListener("click", function () {
        var on = !root.classList.contains("large-text");
        root.classList.toggle("large-text", on);
        remember(on);
        Array.prototype.forEach.call(buttons, function (b) {
          b.setAttribute("aria-pressed", on ? "true" : "false");
        });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
