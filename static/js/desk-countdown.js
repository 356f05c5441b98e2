/* Keeps deadline countdowns (<time class="js-countdown" datetime="…">) current, every 30 s.
   The server renders the same text, so pages read correctly without this file. */
(function () {
  "use strict";

  function formats() {
    var el = document.getElementById("countdown-formats");
    var d = el ? el.dataset : {};
    return {
      days: d.days || "%(d)d d %(h)d h",
      hours: d.hours || "%(h)d h %(m)d min",
      minutes: d.minutes || "%(m)d min",
      late: d.late || "late by %(span)s",
      soon: d.soon || "in %(span)s",
    };
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)[ds]/g, function (_m, key) {
      return String(values[key]);
    });
  }

  function span(f, seconds) {
    var minutes = Math.floor(Math.abs(seconds) / 60);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    minutes = minutes % 60;
    if (days) {
      return fill(f.days, { d: days, h: hours });
    }
    if (hours) {
      return fill(f.hours, { h: hours, m: minutes });
    }
    return fill(f.minutes, { m: minutes });
  }

  function tick() {
    var f = formats();
    var now = Date.now();
    Array.prototype.forEach.call(document.querySelectorAll(".js-countdown"), function (el) {
      var due = Date.parse(el.getAttribute("datetime"));
      if (isNaN(due)) {
        return;
      }
      var seconds = (due - now) / 1000;
      var late = seconds < 0;
      el.textContent = fill(late ? f.late : f.soon, { span: span(f, seconds) });
      el.classList.toggle("late", late);
    });
  }

  window.Minqing = window.Minqing || {};
  window.Minqing.tickCountdowns = tick;
  document.addEventListener("DOMContentLoaded", tick);
  window.setInterval(tick, 30000);
})();
