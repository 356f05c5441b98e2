/* "Reports sent from this phone": the tracking page records itself in this browser's list
   (window.Minqing.myReports, in app.js), and /my/ draws the list, with any report still
   waiting for a connection (window.Minqing.outbox, in offline.js). Nothing leaves the browser. */
(function () {
  "use strict";

  function recordThisReport() {
    var done = document.querySelector(".js-report-done");
    if (!done || !window.Minqing || !window.Minqing.myReports) {
      return;
    }
    window.Minqing.myReports.remember({
      url: done.dataset.url,
      reference: done.dataset.reference,
      place: done.dataset.place,
      status: done.dataset.status,
      received: done.dataset.received,
    });
  }

  function item(parts) {
    var li = document.createElement("li");
    li.className = "my-report" + (parts.waiting ? " waiting" : "");
    var title = document.createElement(parts.url ? "a" : "strong");
    if (parts.url) {
      title.href = parts.url;
    }
    title.className = "my-report-ref";
    title.textContent = parts.title;
    li.appendChild(title);
    parts.lines.forEach(function (text) {
      if (text) {
        var p = document.createElement("p");
        p.className = "muted";
        p.textContent = text;
        li.appendChild(p);
      }
    });
    return li;
  }

  function when(iso) {
    var d = new Date(iso);
    return isNaN(d) ? "" : d.toLocaleString(document.documentElement.lang || undefined);
  }

  /* The current state of every listed report, in one request; the server formats the times
     as the tracking page does. Without a connection the list keeps what it last saw. */
  function refreshStatus(holder, list, reports) {
    var msg = holder.dataset;
    if (!reports.length || !msg.statusUrl || !window.XMLHttpRequest) {
      return;
    }
    var body = "csrfmiddlewaretoken=" + encodeURIComponent(msg.csrf || "");
    var kept = {};
    reports.forEach(function (r) {
      if (r.url) {
        kept[r.url] = r;
        body += "&urls=" + encodeURIComponent(r.url);
      }
    });
    var xhr = new XMLHttpRequest();
    xhr.open("POST", msg.statusUrl);
    xhr.setRequestHeader("Content-Type", "application/x-www-form-urlencoded");
    xhr.setRequestHeader("X-CSRFToken", msg.csrf || "");
    xhr.onload = function () {
      var answer;
      try {
        answer = JSON.parse(xhr.responseText);
      } catch (e) {
        return;
      }
      var found = (answer && answer.reports) || {};
      Array.prototype.forEach.call(list.querySelectorAll(".my-report[data-url]"), function (li) {
        var now = found[li.getAttribute("data-url")];
        if (!now) {
          return;
        }
        var url = li.getAttribute("data-url");
        li.textContent = "";
        var fresh = item({
          title: now.reference,
          url: url,
          lines: [now.words, msg.msgReceived + " " + now.received, msg.msgNow + " " + now.status],
        });
        while (fresh.firstChild) {
          li.appendChild(fresh.firstChild);
        }
        li.className = "my-report my-report-current";
        if (window.Minqing && window.Minqing.myReports && window.Minqing.myReports.remember) {
          var old = kept[url] || {};
          window.Minqing.myReports.remember({
            url: url,
            reference: now.reference,
            place: old.place,
            status: now.status,
            received: old.received,
          });
        }
      });
    };
    xhr.send(body);
  }

  function drawList() {
    var holder = document.querySelector(".js-my-reports");
    var list = document.querySelector(".js-my-report-list");
    if (!holder || !list || !window.Minqing || !window.Minqing.myReports) {
      return;
    }
    var msg = holder.dataset;
    var outbox = window.Minqing.outbox;
    var waiting = outbox ? outbox.all() : Promise.resolve([]);
    waiting
      .catch(function () {
        return [];
      })
      .then(function (kept) {
        var reports = window.Minqing.myReports.list().sort(function (a, b) {
          return (b.received || "").localeCompare(a.received || "");
        });
        list.textContent = "";
        kept.forEach(function (k) {
          var state = k.failed ? msg.msgRefused : msg.msgWaiting;
          list.appendChild(item({ title: k.place || k.url, url: k.failed ? k.url : "", lines: [state, when(k.created)], waiting: true }));
        });
        reports.forEach(function (r) {
          var li = item({
            title: r.reference || r.url,
            url: r.url,
            lines: [r.place, msg.msgReceived + " " + when(r.received), msg.msgLastSeen + " " + (r.status || "")],
          });
          li.setAttribute("data-url", r.url || "");
          list.appendChild(li);
        });
        refreshStatus(holder, list, reports);
        var empty = holder.querySelector(".js-empty");
        if (!empty) {
          empty = document.createElement("p");
          empty.className = "empty js-empty";
          empty.textContent = msg.msgEmpty;
          holder.appendChild(empty);
        }
        empty.hidden = reports.length + kept.length > 0;
        var forget = document.querySelector(".js-forget");
        if (forget) {
          forget.hidden = reports.length === 0;
        }
      });
  }

  function setUp() {
    recordThisReport();
    drawList();
    var button = document.querySelector(".js-forget-button");
    if (button) {
      button.addEventListener("click", function () {
        window.Minqing.myReports.forget();
        drawList();
      });
    }
    if (window.Minqing && window.Minqing.outbox) {
      window.Minqing.outbox.onChange(drawList);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
