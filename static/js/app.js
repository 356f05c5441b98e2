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

  // The chosen card of a group of choices (kind, rating) is marked with a class, for phones whose
  // browser predates CSS :has() (Chrome before 105), which the stylesheet also uses.
  function markChoices() {
    var inputs = document.querySelectorAll(".choice input");
    Array.prototype.forEach.call(inputs, function (input) {
      var label = input.closest(".choice");
      if (label) {
        label.classList.toggle("is-checked", input.checked);
      }
    });
  }

  function setUpChoices() {
    markChoices();
    document.addEventListener("change", function (event) {
      if (event.target.closest && event.target.closest(".choice")) {
        markChoices(); // a radio's neighbours are unchecked without their own event
      }
    });
  }

  function setUp() {
    setUpChoices();
    var buttons = document.querySelectorAll(".js-large-text");
    // The switch says what it is now and how to undo it ("Large text on · undo"),
    // not the same words in both states.
    function showState(button, on) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
      var label = on ? button.dataset.labelOn : button.dataset.labelOff;
      if (label) {
        button.textContent = label;
      }
    }
    Array.prototype.forEach.call(buttons, function (button) {
      button.hidden = false;
      showState(button, root.classList.contains("large-text"));
      button.addEventListener("click", function () {
        var on = !root.classList.contains("large-text");
        root.classList.toggle("large-text", on);
        remember(on);
        Array.prototype.forEach.call(buttons, function (b) {
          showState(b, on);
        });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }

  // The reports sent from this browser, kept in localStorage only: my-reports.js draws them on
  // /my/ and the tracking page records itself; offline.js adds what it sends later.
  var REPORTS = "minqing:my-reports";
  var MAX_REPORTS = 50;

  function readReports() {
    try {
      var list = JSON.parse(window.localStorage.getItem(REPORTS) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) {
      return [];
    }
  }

  function writeReports(list) {
    try {
      window.localStorage.setItem(REPORTS, JSON.stringify(list.slice(0, MAX_REPORTS)));
    } catch (e) {
      /* storage full or switched off: the tracking page still has its link box */
    }
  }

  window.Minqing = window.Minqing || {};
  window.Minqing.myReports = {
    list: readReports,
    // Add or update one report, newest first. `report`: url, reference, place, status, received.
    remember: function (report) {
      if (!report || !report.url) {
        return;
      }
      var list = readReports().filter(function (r) {
        return r.url !== report.url;
      });
      report.seen = new Date().toISOString();
      list.unshift(report);
      writeReports(list);
    },
    forget: function () {
      try {
        window.localStorage.removeItem(REPORTS);
      } catch (e) {
        /* nothing to remove */
      }
    },
  };
})();
