// Small behaviours of the page shell. No inline scripts anywhere: the CSP forbids them.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // The language select submits its form as soon as it changes; the button
    // remains for keyboard users and browsers without JavaScript.
    document.querySelectorAll("form[data-auto-submit] select").forEach(function (select) {
      select.addEventListener("change", function () {
        select.form.requestSubmit();
      });
    });
  });
})();
