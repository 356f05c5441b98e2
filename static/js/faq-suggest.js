/* Common questions: answers that fit what the resident is typing appear under the description
   (they can still send their report), and /faq/#faq-12 opens that answer.
   An extra: without it the form and the FAQ page work as they are. */
(function () {
  "use strict";

  var WAIT_MS = 500;
  var MIN_CHARS = 4;

  function suggestions(form) {
    var url = form.dataset.suggestUrl;
    var text = form.querySelector("textarea[name='description']");
    var box = form.querySelector(".js-faq-suggest");
    var list = form.querySelector(".js-faq-suggest-list");
    if (!url || !text || !box || !list || !window.fetch) {
      return;
    }
    var timer = null;
    var asked = "";
    var controller = null;

    function show(results) {
      list.textContent = "";
      results.forEach(function (r) {
        var li = document.createElement("li");
        li.className = "faq-suggestion";
        var a = document.createElement("a");
        a.href = r.url;
        a.textContent = r.question;
        var p = document.createElement("p");
        p.className = "muted";
        p.textContent = r.answer;
        li.appendChild(a);
        li.appendChild(p);
        list.appendChild(li);
      });
      box.hidden = results.length === 0;
    }

    function ask() {
      var q = text.value.trim();
      if (q.replace(/\s+/g, "").length < MIN_CHARS) {
        asked = "";
        show([]);
        return;
      }
      if (q === asked) {
        return;
      }
      asked = q;
      if (controller) {
        controller.abort();
      }
      controller = window.AbortController ? new AbortController() : null;
      fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q.slice(0, 500)), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (asked === q) {
            show(data.results || []);
          }
        })
        .catch(function () {
          /* offline or aborted: no suggestions, nothing else changes */
        });
    }

    text.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, WAIT_MS);
    });
    if (text.value) {
      ask();
    }
  }

  function openTarget() {
    var id = window.location.hash.slice(1);
    var target = id && document.getElementById(id);
    if (target && target.tagName === "DETAILS") {
      target.open = true;
      target.scrollIntoView();
    }
  }

  function setUp() {
    var form = document.querySelector(".js-report-form");
    if (form) {
      suggestions(form);
    }
    openTarget();
    window.addEventListener("hashchange", openTarget);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
