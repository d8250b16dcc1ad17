// Suggestions for the cooperative fields as one types. Progressive enhancement: without this
// script the field is a text box whose value the server resolves (registry/forms/cooperative_choice.py).
// Each suggestion's value is "Name (#id)", which the server reads back exactly.
(function () {
  "use strict";
  var CHOSEN = /\(#\d+\)$/;

  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) { return; }
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < 2 || CHOSEN.test(text) || text === asked) { return; }
      timer = window.setTimeout(function () {
        asked = text;
        fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(text.slice(0, 100)), {
          credentials: "same-origin", headers: { Accept: "application/json" }
        }).then(function (response) {
          return response.ok ? response.json() : { results: [] };
        }).then(function (data) {
          if (input.value.trim() !== text) { return; }
          list.replaceChildren.apply(list, data.results.map(function (cooperative) {
            var option = document.createElement("option");
            option.value = cooperative.value;
            option.label = cooperative.label;
            return option;
          }));
        }).catch(function () { /* the server still resolves what is typed */ });
      }, 200);
    });
  }

  document.querySelectorAll("input[data-suggest-url]").forEach(attach);
})();
