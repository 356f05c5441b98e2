/* Reports written without a connection: kept in this browser (IndexedDB, photos included) and
   sent as soon as the connection is back, from whichever of our pages is open then.
   The report's idempotency_key goes with it, so a report sent twice is still one report.
   An extra: without it (or without IndexedDB) the form posts as usual. */
(function () {
  "use strict";

  if (!window.indexedDB || !window.fetch || !window.FormData || !window.Promise || !window.DOMParser) {
    return;
  }

  var DB_NAME = "minqing";
  var STORE = "outbox";
  var RETRY_MS = 30000;
  var TRACK_PATH = /\/t\/[^/]+\/$/;
  var listeners = [];
  var flushing = null;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = window.indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () {
        resolve(request.result);
      };
      request.onerror = function () {
        reject(request.error);
      };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () {
          db.close();
          resolve(result && "result" in result ? result.result : undefined);
        };
        tx.onerror = tx.onabort = function () {
          db.close();
          reject(tx.error);
        };
      });
    });
  }

  function all() {
    return withStore("readonly", function (store) {
      return store.getAll();
    }).then(function (items) {
      return items || [];
    });
  }

  function put(item) {
    return withStore("readwrite", function (store) {
      store.put(item);
    });
  }

  function remove(key) {
    return withStore("readwrite", function (store) {
      store.delete(key);
    });
  }

  function changed() {
    listeners.forEach(function (fn) {
      fn();
    });
  }

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  function randomKey() {
    var bytes = new Uint8Array(24);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
  }

  // Every field the form would send, files included (IndexedDB keeps File objects).
  function fieldsOf(form) {
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled) {
        return;
      }
      if (el.type === "file") {
        Array.prototype.forEach.call(el.files || [], function (file) {
          fields.push([el.name, file]);
        });
      } else if ((el.type === "radio" || el.type === "checkbox") && !el.checked) {
        return;
      } else if (el.type !== "submit" && el.type !== "button") {
        fields.push([el.name, el.value]);
      }
    });
    return fields;
  }

  function keep(form) {
    var key = form.querySelector("input[name='idempotency_key']");
    if (key && !key.value) {
      key.value = randomKey();
    }
    var item = {
      key: key ? key.value : randomKey(),
      url: form.getAttribute("action") || window.location.pathname,
      draftKey: form.dataset.draftKey || "",
      place: (document.querySelector(".place-name") || {}).textContent || "",
      fields: fieldsOf(form),
      created: new Date().toISOString(),
      failed: false,
    };
    return put(item).then(function () {
      changed();
      return item;
    });
  }

  function send(item) {
    var data = new FormData();
    var token = cookie("csrftoken");
    item.fields.forEach(function (pair) {
      var name = pair[0];
      var value = pair[1];
      if (name === "csrfmiddlewaretoken" && token) {
        value = token; // the cookie may have changed since the form was filled
      }
      if (value instanceof Blob) {
        data.append(name, value, value.name || "photo");
      } else {
        data.append(name, value);
      }
    });
    return fetch(item.url, { method: "POST", body: data, credentials: "same-origin", redirect: "follow" }).then(
      function (response) {
        var path = new URL(response.url).pathname;
        if (response.ok && response.redirected && TRACK_PATH.test(path)) {
          return response.text().then(function (html) {
            return { sent: true, url: path, html: html };
          });
        }
        if (response.status === 429 || response.status >= 500) {
          return { sent: false, status: response.status, errors: [] };
        }
        // Refused as it is: the page the server answered with says why, beside each field.
        return response.text().then(function (html) {
          return { sent: false, status: response.status, errors: refusals(html) };
        });
      }
    );
  }

  function refusals(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var seen = [];
    Array.prototype.forEach.call(doc.querySelectorAll(".report-form .field-error, .js-form-error"), function (el) {
      var text = el.textContent.trim();
      if (text && seen.indexOf(text) === -1) {
        seen.push(text);
      }
    });
    return seen;
  }

  function remember(url, html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var done = doc.querySelector(".js-report-done");
    if (window.Minqing && window.Minqing.myReports) {
      var data = done ? done.dataset : {};
      window.Minqing.myReports.remember({
        url: url,
        reference: data.reference || "",
        place: data.place || "",
        status: data.status || "",
        received: data.received || new Date().toISOString(),
      });
    }
  }

  // Send what is kept, one at a time. Stops at the first network failure (still offline).
  function flush() {
    if (flushing || navigator.onLine === false) {
      return flushing || Promise.resolve([]);
    }
    var sent = [];
    var refused = [];
    flushing = all()
      .then(function (items) {
        var chain = Promise.resolve();
        items
          .filter(function (item) {
            return !item.failed;
          })
          .forEach(function (item) {
            chain = chain.then(function () {
              return send(item).then(function (result) {
                if (result.sent) {
                  remember(result.url, result.html);
                  sent.push({ item: item, url: result.url });
                  return remove(item.key);
                }
                if (result.status === 429 || result.status >= 500) {
                  throw new Error("try later");
                }
                item.failed = true; // refused as it is: the resident must look at it again
                item.errors = result.errors;
                refused.push(item);
                return put(item);
              });
            });
          });
        return chain;
      })
      .catch(function () {
        /* offline again, or the server asked us to wait: the rest stays kept */
      })
      .then(function () {
        flushing = null;
        changed();
        sent.forEach(function (s) {
          document.dispatchEvent(new CustomEvent("minqing:sent", { detail: s }));
        });
        refused.forEach(function (item) {
          document.dispatchEvent(new CustomEvent("minqing:refused", { detail: { item: item } }));
        });
        return sent;
      });
    return flushing;
  }

  window.Minqing = window.Minqing || {};
  window.Minqing.outbox = {
    all: all,
    flush: flush,
    onChange: function (fn) {
      listeners.push(fn);
    },
  };

  window.addEventListener("online", flush);
  window.setInterval(function () {
    all().then(function (items) {
      var waiting = items.some(function (item) {
        return !item.failed;
      });
      if (waiting) {
        flush();
      }
    });
  }, RETRY_MS);

  // --- The report form ---------------------------------------------------------------------

  function note(text) {
    var box = document.querySelector(".js-offline-note");
    if (!box) {
      return null;
    }
    box.textContent = "";
    var p = document.createElement("p");
    p.textContent = text;
    box.appendChild(p);
    box.hidden = false;
    return p;
  }

  function restore(form, item) {
    item.fields.forEach(function (pair) {
      var name = pair[0];
      var value = pair[1];
      if (typeof value !== "string" || name === "csrfmiddlewaretoken") {
        return;
      }
      var el = form.elements[name];
      if (!el) {
        return;
      }
      if (el.length && el[0] && el[0].type === "radio") {
        Array.prototype.forEach.call(el, function (radio) {
          radio.checked = radio.value === value;
        });
      } else if (el.type !== "file") {
        el.value = value;
      }
    });
  }

  function reportForm(form) {
    form.addEventListener("submit", function (event) {
      if (navigator.onLine !== false) {
        return; // online: the normal post, with the server's own answer
      }
      event.preventDefault();
      keep(form).then(function () {
        note(form.dataset.msgOffline);
      });
    });

    document.addEventListener("minqing:sent", function (event) {
      if (event.detail.item.draftKey !== form.dataset.draftKey) {
        return;
      }
      var p = note(form.dataset.msgSent);
      if (p) {
        var a = document.createElement("a");
        a.href = event.detail.url;
        a.className = "js-sent-link";
        a.textContent = window.location.origin + event.detail.url;
        p.appendChild(document.createTextNode(" "));
        p.appendChild(a);
      }
      // The draft has arrived: clear it, and give the form a new key for a next report.
      try {
        window.localStorage.removeItem("minqing:" + form.dataset.draftKey);
        window.localStorage.removeItem("minqing:" + form.dataset.draftKey + ":key");
      } catch (e) {
        /* nothing kept */
      }
      form.reset();
      var key = form.querySelector("input[name='idempotency_key']");
      if (key) {
        key.value = randomKey();
      }
    });

    // A kept report the server refused comes back into this form to be checked and sent again,
    // with the server's reasons: at once if this page is still open, else when it is opened.
    function takeBack(item) {
      restore(form, item);
      remove(item.key).then(changed);
      var p = note(form.dataset.msgNotSent);
      (item.errors || []).forEach(function (text) {
        var reason = document.createElement("p");
        reason.className = "field-error";
        reason.textContent = text;
        if (p) {
          p.parentNode.appendChild(reason);
        }
      });
    }

    document.addEventListener("minqing:refused", function (event) {
      if (event.detail.item.draftKey === form.dataset.draftKey) {
        takeBack(event.detail.item);
      }
    });

    all().then(function (items) {
      items.forEach(function (item) {
        if (item.failed && item.draftKey === form.dataset.draftKey) {
          takeBack(item);
        } else if (!item.failed && item.draftKey === form.dataset.draftKey && navigator.onLine === false) {
          note(form.dataset.msgOffline);
        }
      });
    });
  }

  function setUp() {
    var form = document.querySelector(".js-report-form");
    if (form) {
      reportForm(form);
    }
    flush();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
