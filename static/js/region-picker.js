// Chained region selects: when one level changes, load the next level's regions
// from the server and clear every level below it.
(function () {
  "use strict";

  function clear(select) {
    while (select.options.length > 1) {
      select.remove(1);
    }
    select.value = "";
    select.disabled = true;
  }

  function fill(select, regions) {
    regions.forEach(function (region) {
      select.add(new Option(region.name, region.code));
    });
    select.disabled = regions.length === 0;
  }

  function wire(picker) {
    var selects = Array.prototype.slice.call(picker.querySelectorAll("select[data-level]"));
    var urlTemplate = picker.getAttribute("data-children-url");
    selects.forEach(function (select, index) {
      select.addEventListener("change", function () {
        var below = selects.slice(index + 1);
        below.forEach(clear);
        if (!select.value || below.length === 0) {
          return;
        }
        fetch(urlTemplate.replace("CODE", encodeURIComponent(select.value)), {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        })
          .then(function (response) {
            return response.ok ? response.json() : { regions: [] };
          })
          .then(function (data) {
            fill(below[0], data.regions);
          });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-region-picker]").forEach(wire);
  });
})();
