/* Report and tracking pages: stop double taps, and keep a draft of the description.
   Everything here is an extra; the forms work without it. */
(function () {
  "use strict";

  var PENDING = "minqing:draft-pending";

  function storage() {
    try {
      var s = window.localStorage;
      s.setItem("minqing:probe", "1");
      s.removeItem("minqing:probe");
      return s;
    } catch (e) {
      return null;
    }
  }

  var store = storage();

  // 1. Disable a submit button after the first submit, so an impatient second tap does nothing.
  function guardSubmit(form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector(".js-submit");
      if (!button) {
        return;
      }
      // Let this submit go out first, then disable.
      window.setTimeout(function () {
        button.disabled = true;
        if (button.dataset.sending) {
          button.dataset.label = button.textContent;
          button.textContent = button.dataset.sending;
        }
      }, 0);
    });
  }

  // Coming back with the Back button shows the page from memory: make the button usable again.
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".js-submit"), function (button) {
      button.disabled = false;
      if (button.dataset.label) {
        button.textContent = button.dataset.label;
      }
    });
  });

  // 2. Keep a draft of the description until the report has been received.
  function keepDraft(form) {
    var key = "minqing:" + form.dataset.draftKey;
    var text = form.querySelector("textarea[name='description']");
    if (!store || !text || !form.dataset.draftKey) {
      return;
    }
    // Back on the form: whatever was pending did not arrive.
    store.removeItem(PENDING);
    if (!text.value) {
      text.value = store.getItem(key) || "";
    }
    text.addEventListener("input", function () {
      if (text.value) {
        store.setItem(key, text.value);
      } else {
        store.removeItem(key);
      }
    });
    form.addEventListener("submit", function () {
      store.setItem(PENDING, key);
    });
  }

  // On the tracking page the report has arrived: its draft can go.
  function clearDraft() {
    if (!store) {
      return;
    }
    var key = store.getItem(PENDING);
    if (key) {
      store.removeItem(key);
      store.removeItem(PENDING);
    }
  }

  function setUp() {
    Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
      if (form.querySelector(".js-submit")) {
        guardSubmit(form);
      }
    });
    var reportForm = document.querySelector(".js-report-form");
    if (reportForm) {
      keepDraft(reportForm);
    }
    if (document.querySelector(".js-report-done")) {
      clearDraft();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
