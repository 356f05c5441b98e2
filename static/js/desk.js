/* The staff desk: the dashboard's queues and list refresh in place every 30 s (unless you are
   in the middle of something), keyboard shortcuts, and the work log's print button. Every page
   works without this file. */
(function () {
  "use strict";

  var REFRESH_MS = 30000;

  // --- Refreshing the list ------------------------------------------------------------------
  function busy(live) {
    var active = document.activeElement;
    var typing = active && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName) && active.type !== "checkbox";
    var selected = live.querySelector("input[type=checkbox]:checked");
    return Boolean(typing || selected || document.hidden);
  }

  function refresh(live, force) {
    if (!force && busy(live)) {
      return;
    }
    var url = live.getAttribute("data-live-url") || window.location.href;
    fetch(url, { headers: { "X-Desk-Fragment": "1" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        if (!force && busy(live)) {
          return;
        }
        var focusedRow = currentIndex();
        live.innerHTML = html;
        live.setAttribute("data-refreshed", new Date().toISOString());
        if (focusedRow >= 0) {
          focusRow(focusedRow);
        }
        if (window.Minqing && window.Minqing.tickCountdowns) {
          window.Minqing.tickCountdowns();
        }
        live.dispatchEvent(new CustomEvent("desk:refreshed", { bubbles: true }));
      })
      .catch(function () {
        live.setAttribute("data-refresh-failed", new Date().toISOString());
      });
  }

  // --- Keyboard --------------------------------------------------------------------------------
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll(".js-row"));
  }

  function currentIndex() {
    return rows().indexOf(document.activeElement && document.activeElement.closest ? document.activeElement.closest(".js-row") : null);
  }

  function focusRow(index) {
    var all = rows();
    if (!all.length) {
      return;
    }
    var row = all[Math.max(0, Math.min(index, all.length - 1))];
    row.focus();
    row.scrollIntoView({ block: "nearest" });
  }

  function onKey(event, live) {
    if (event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    var target = event.target;
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) && target.type !== "checkbox") {
      if (event.key === "Escape") {
        target.blur();
      }
      return;
    }
    var index = currentIndex();
    var row = index >= 0 ? rows()[index] : null;
    switch (event.key) {
      case "/":
        var search = document.querySelector(".js-search");
        if (search) {
          event.preventDefault();
          search.focus();
          search.select();
        }
        break;
      case "j":
        event.preventDefault();
        focusRow(index + 1);
        break;
      case "k":
        event.preventDefault();
        focusRow(index < 0 ? 0 : index - 1);
        break;
      case "x":
        if (row) {
          event.preventDefault();
          var box = row.querySelector("input[type=checkbox]");
          if (box) {
            box.checked = !box.checked;
          }
        }
        break;
      case "o":
      case "Enter":
        if (row && target === row) {
          event.preventDefault();
          var link = row.querySelector(".js-open");
          if (link) {
            window.location.href = link.href;
          }
        }
        break;
      case "r":
        if (live) {
          event.preventDefault();
          refresh(live, true);
        }
        break;
      default:
        if (/^[1-8]$/.test(event.key)) {
          var queue = document.querySelector('.queues a[data-key="' + event.key + '"]');
          if (queue) {
            event.preventDefault();
            window.location.href = queue.href;
          }
        }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var live = document.querySelector(".js-live");
    if (live) {
      window.setInterval(function () {
        refresh(live, false);
      }, REFRESH_MS);
      document.addEventListener("visibilitychange", function () {
        if (!document.hidden) {
          refresh(live, false);
        }
      });
    }
    if (document.querySelector(".js-rows") || live) {
      document.addEventListener("keydown", function (event) {
        onKey(event, live);
      });
    }
    // "More filters" folds like a menu: Escape or a click elsewhere closes it.
    var more = document.querySelector(".more-filters");
    if (more) {
      document.addEventListener("click", function (event) {
        if (more.open && !more.contains(event.target)) {
          more.open = false;
        }
      });
      more.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && more.open) {
          more.open = false;
          more.querySelector("summary").focus();
        }
      });
    }
    Array.prototype.forEach.call(document.querySelectorAll(".js-print"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  });
})();
