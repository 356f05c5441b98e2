/* The grid worker's phone: on-site check-in adds the phone's location when the worker allows it.
   Without this file (or without permission) the check-in still records the time. */
(function () {
  "use strict";

  var WAIT_MS = 6000;

  function setUp(form) {
    var sent = false;
    form.addEventListener("submit", function (event) {
      if (sent || !("geolocation" in navigator)) {
        return; // the plain form: time only
      }
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) {
        button.disabled = true;
      }
      var finish = function () {
        if (sent) {
          return;
        }
        sent = true;
        form.submit();
      };
      var timer = window.setTimeout(finish, WAIT_MS);
      navigator.geolocation.getCurrentPosition(
        function (position) {
          window.clearTimeout(timer);
          form.elements.latitude.value = position.coords.latitude;
          form.elements.longitude.value = position.coords.longitude;
          form.elements.accuracy.value = position.coords.accuracy;
          finish();
        },
        function () {
          window.clearTimeout(timer);
          finish(); // refused or unavailable: time only
        },
        { enableHighAccuracy: true, timeout: WAIT_MS - 500, maximumAge: 60000 }
      );
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form.js-check-in"), setUp);
  });
})();
