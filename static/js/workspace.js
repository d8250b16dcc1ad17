// Staff workspace enhancements; every page works without this file.
// Desa select: show only the desa of the chosen kecamatan (the options are grouped by kecamatan).
(function () {
  "use strict";
  document.querySelectorAll("select[data-kecamatan-select]").forEach(function (kecamatan) {
    var form = kecamatan.form;
    var desa = form && form.querySelector("select[data-desa-select]");
    if (!desa) { return; }
    var names = {};
    Array.prototype.forEach.call(kecamatan.options, function (o) { names[o.value] = o.text; });
    function narrow() {
      var chosen = names[kecamatan.value];
      Array.prototype.forEach.call(desa.querySelectorAll("optgroup"), function (group) {
        var show = !kecamatan.value || group.label === chosen;
        group.hidden = !show;
        group.disabled = !show;
      });
      var selected = desa.options[desa.selectedIndex];
      if (selected && selected.parentNode.disabled) { desa.value = ""; }
    }
    kecamatan.addEventListener("change", narrow);
    narrow();
  });
})();
