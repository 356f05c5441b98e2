/* Report and tracking pages: stop double taps, keep a draft of the description, suggest
   "Emergency" when the words say so, and check photos before they are sent.
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

  function each(list, fn) {
    Array.prototype.forEach.call(list, fn);
  }

  // 1. Disable a submit button after the first submit, so an impatient second tap does nothing.
  function guardSubmit(form) {
    form.addEventListener("submit", function (event) {
      var button = form.querySelector(".js-submit");
      if (!button) {
        return;
      }
      // Let this submit go out first, then disable (unless it was kept for later: offline.js).
      window.setTimeout(function () {
        if (event.defaultPrevented) {
          return;
        }
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
    each(document.querySelectorAll(".js-submit"), function (button) {
      button.disabled = false;
      if (button.dataset.label) {
        button.textContent = button.dataset.label;
      }
    });
  });

  // 2. Keep a draft of the description, and the report's idempotency key, until the report has
  //    been received. A retry after a lost answer (weak signal) then carries the same key, and
  //    the server answers with the report it already has instead of making a second one.
  function keepDraft(form) {
    var key = "minqing:" + form.dataset.draftKey;
    var keyOfKey = key + ":key";
    var text = form.querySelector("textarea[name='description']");
    var idem = form.querySelector("input[name='idempotency_key']");
    if (!store || !text || !form.dataset.draftKey) {
      return;
    }
    // Back on the form: whatever was pending did not arrive.
    store.removeItem(PENDING);
    if (!text.value) {
      text.value = store.getItem(key) || "";
    }
    if (idem && store.getItem(key) && store.getItem(keyOfKey)) {
      idem.value = store.getItem(keyOfKey);
    }
    function save() {
      if (text.value) {
        store.setItem(key, text.value);
        if (idem && idem.value) {
          store.setItem(keyOfKey, idem.value);
        }
      } else {
        store.removeItem(key);
        store.removeItem(keyOfKey);
      }
    }
    text.addEventListener("input", save);
    form.addEventListener("submit", function () {
      save();
      store.setItem(PENDING, key);
    });
  }

  // On the tracking page the report has arrived: its draft and key can go.
  function clearDraft() {
    if (!store) {
      return;
    }
    var key = store.getItem(PENDING);
    if (key) {
      store.removeItem(key);
      store.removeItem(key + ":key");
      store.removeItem(PENDING);
    }
  }

  // 3. "This sounds urgent": the keyword rules of the admin, matched as the resident types.
  // The same rule as issues/keywords.py: spaces, width and case aside, and a phrase in Latin
  // letters ("gas leak", "fire") must be whole words ("fire" is not in "fireworks").
  function latin(ch) {
    return /^[a-z0-9]$/i.test(ch || "");
  }

  function prepared(text) {
    var t = text.normalize ? text.normalize("NFKC") : text;
    t = t.toLowerCase();
    var folded = "";
    var starts = {};
    var ends = {};
    var previous = " ";
    for (var i = 0; i < t.length; i++) {
      var ch = t.charAt(i);
      if (latin(previous) && !latin(ch)) {
        ends[folded.length] = true;
      }
      if (/\s/.test(ch)) {
        previous = " ";
        continue;
      }
      if (latin(ch) && !latin(previous)) {
        starts[folded.length] = true;
      }
      folded += ch;
      previous = ch;
    }
    if (latin(previous)) {
      ends[folded.length] = true;
    }
    return { text: folded, starts: starts, ends: ends };
  }

  function found(phrase, haystack) {
    if (!latin(phrase.charAt(0))) {
      return haystack.text.indexOf(phrase) !== -1;
    }
    var at = haystack.text.indexOf(phrase);
    while (at !== -1) {
      if (haystack.starts[at] && (haystack.ends[at + phrase.length] || !latin(phrase.charAt(phrase.length - 1)))) {
        return true;
      }
      at = haystack.text.indexOf(phrase, at + 1);
    }
    return false;
  }

  function urgentHint(form) {
    var text = form.querySelector("textarea[name='description']");
    var hint = form.querySelector(".js-keyword-hint");
    var urgent = form.querySelector("input[name='kind'][value='urgent']");
    var words = [];
    try {
      words = JSON.parse(form.dataset.urgentWords || "[]");
    } catch (e) {
      words = [];
    }
    if (!text || !hint || !urgent || !words.length) {
      return;
    }
    function check() {
      var value = prepared(text.value);
      var hit = words.some(function (w) {
        return w && found(w, value);
      });
      hint.hidden = !hit || urgent.checked;
    }
    text.addEventListener("input", check);
    form.addEventListener("change", check);
    hint.querySelector(".js-choose-urgent").addEventListener("click", function () {
      urgent.checked = true;
      urgent.dispatchEvent(new Event("change", { bubbles: true }));
      hint.hidden = true;
      urgent.focus();
    });
    check();
  }

  // The 110 / 119 / 120 box at the top stands out while "Emergency" is chosen.
  function emergencyBox(form) {
    var box = document.getElementById("emergency");
    if (!box) {
      return;
    }
    function update() {
      var urgent = form.querySelector("input[name='kind'][value='urgent']");
      document.body.classList.toggle("is-urgent", !!(urgent && urgent.checked));
    }
    form.addEventListener("change", update);
    update();
  }

  // 4. Photos: count, size and type are checked here, before a slow upload; each chosen photo
  //    is shown with a "Remove" button (the picker itself can only choose again).
  var ACCEPTED = ["image/jpeg", "image/png", "image/webp", "image/heic", "image/heif"];

  // Can a page set a file input's files? (DataTransfer: Chrome 60+, Safari 14.1+.)
  function canSetFiles() {
    try {
      return typeof DataTransfer === "function" && !!new DataTransfer().items;
    } catch (e) {
      return false;
    }
  }

  function checkPhotos(form) {
    var input = form.querySelector("input[type='file'][name='photos']");
    var box = form.querySelector(".js-photo-errors");
    var previews = form.querySelector(".js-photo-previews");
    if (!input || !box) {
      return;
    }
    var maxPhotos = parseInt(form.dataset.maxPhotos || "6", 10);
    var maxBytes = parseInt(form.dataset.maxBytes || "10485760", 10);
    var removable = canSetFiles();
    var choice = 0; // which choice of files the previews belong to
    var broken = []; // files the browser could not draw, in this choice

    if (removable) {
      each(form.querySelectorAll(".js-photo-choose-again"), function (p) {
        p.hidden = true;
      });
    }

    function show(problems) {
      box.textContent = "";
      problems.forEach(function (text) {
        var p = document.createElement("p");
        p.className = "field-error";
        p.textContent = text;
        box.appendChild(p);
      });
      input.setCustomValidity(problems.length ? problems[0] : "");
      input.setAttribute("aria-invalid", problems.length ? "true" : "false");
      // A screen reader reads the problems when the picker gets focus (the box's id is
      // "<input id>_error", as Django links a field to its server-side errors).
      var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && id !== box.id;
      });
      if (problems.length && box.id) {
        described.push(box.id);
      }
      input.setAttribute("aria-describedby", described.join(" "));
    }

    function problemsOf(files) {
      var problems = [];
      if (files.length > maxPhotos) {
        problems.push(form.dataset.msgTooMany);
      }
      files.forEach(function (file) {
        var heic = /\.(heic|heif)$/i.test(file.name);
        if (ACCEPTED.indexOf(file.type) === -1 && !heic) {
          problems.push(form.dataset.msgWrongType + " " + file.name);
        } else if (file.size > maxBytes) {
          problems.push(form.dataset.msgTooLarge + " " + file.name);
        } else if (broken.indexOf(file) !== -1) {
          problems.push(form.dataset.msgWrongType + " " + file.name);
        }
      });
      return problems;
    }

    function setFiles(files) {
      var transfer = new DataTransfer();
      files.forEach(function (file) {
        transfer.items.add(file);
      });
      input.files = transfer.files;
    }

    function removeButton(label, onClick) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button-small photo-remove";
      button.textContent = form.dataset.msgRemove || "Remove";
      button.setAttribute("aria-label", label);
      button.addEventListener("click", onClick);
      return button;
    }

    function draw(files) {
      if (!previews) {
        return;
      }
      var thisChoice = ++choice;
      each(previews.querySelectorAll("img"), function (img) {
        URL.revokeObjectURL(img.src);
      });
      previews.textContent = "";
      files.forEach(function (file, index) {
        var li = document.createElement("li");
        li.className = "photo-chosen";
        if (window.URL && URL.createObjectURL && /^image\/(jpeg|png|webp)$/.test(file.type)) {
          var img = document.createElement("img");
          img.className = "thumb";
          img.alt = "";
          // A file named .jpg that is no picture (the browser cannot draw it): say so now,
          // not after a slow upload. Not for WebP, which some old phones cannot draw.
          img.addEventListener("error", function () {
            if (thisChoice === choice && file.type !== "image/webp" && broken.indexOf(file) === -1) {
              broken.push(file);
              show(problemsOf(files));
              // No broken picture: its name and its Remove button stay.
              URL.revokeObjectURL(img.src);
              if (img.parentNode) {
                img.parentNode.removeChild(img);
              }
            }
          });
          img.src = URL.createObjectURL(file);
          li.appendChild(img);
        }
        var name = document.createElement("span");
        name.className = "photo-name";
        name.textContent = file.name;
        li.appendChild(name);
        if (removable) {
          li.appendChild(
            removeButton((form.dataset.msgRemovePhoto || "Remove photo") + " " + file.name, function () {
              var kept = files.slice(0, index).concat(files.slice(index + 1));
              setFiles(kept);
              update(kept);
              input.focus();
            })
          );
        }
        previews.appendChild(li);
      });
      if (!removable && files.length) {
        // An old browser: all the photos can still go at once.
        var li = document.createElement("li");
        li.appendChild(
          removeButton(form.dataset.msgRemoveAll || "Remove all photos", function () {
            input.value = "";
            update([]);
            input.focus();
          })
        );
        li.lastChild.textContent = form.dataset.msgRemoveAll || "Remove all photos";
        previews.appendChild(li);
      }
    }

    function update(files) {
      show(problemsOf(files));
      draw(files);
    }

    input.addEventListener("change", function () {
      broken = [];
      update(Array.prototype.slice.call(input.files || []));
    });
  }

  function setUp() {
    each(document.querySelectorAll("form"), function (form) {
      if (form.querySelector(".js-submit")) {
        guardSubmit(form);
      }
    });
    var reportForm = document.querySelector(".js-report-form");
    if (reportForm) {
      keepDraft(reportForm);
      urgentHint(reportForm);
      emergencyBox(reportForm);
      checkPhotos(reportForm);
    }
    if (document.querySelector(".js-report-done")) {
      clearDraft();
    }
    // Photos added to a report on its tracking page: the same checks, and each can be removed.
    each(document.querySelectorAll(".js-photo-form"), checkPhotos);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
