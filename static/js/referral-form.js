// Choosing the receiving agency ticks its usual minimum sections; the sender can change
// them. Data comes from a JSON script tag (no inline script: the CSP forbids it).
(function () {
  "use strict";
  var data = document.getElementById("default-sections");
  var agency = document.getElementById("id_to_agency");
  if (!data || !agency) {
    return;
  }
  var defaults = JSON.parse(data.textContent);
  agency.addEventListener("change", function () {
    var wanted = defaults[agency.value] || [];
    document.querySelectorAll('input[name="shared_sections"]').forEach(function (box) {
      box.checked = wanted.indexOf(box.value) !== -1;
    });
  });
})();
