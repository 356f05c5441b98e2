/* The poster page's Print button; without JavaScript the browser's own Print works the same. */
(function () {
  "use strict";
  var button = document.querySelector(".js-print");
  if (!button) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
})();
