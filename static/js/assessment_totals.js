// Assessment entry: the condition scores, final score and predicate follow the levels as they are
// chosen, computed by the server with the same scoring as a save (the form's "Hitung" button does
// the same without this script). Nothing is saved; every page works without this file.
(function () {
  "use strict";
  var form = document.querySelector("form[data-totals-url]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var url = form.getAttribute("data-totals-url");
  var timer = null;
  var asked = 0;

  function set(id, text) {
    var node = document.getElementById(id);
    if (node && text !== undefined && text !== null) { node.textContent = text; }
  }

  function show(totals) {
    set("overall-score", totals.overall);
    set("predicate", totals.predicate);
    set("predicate-note", totals.predicate_note);
    Object.keys(totals.conditions).forEach(function (code) {
      set("score-" + code, totals.conditions[code]);
    });
    var status = document.getElementById("totals-status");
    if (status) { status.textContent = totals.status; }
    showUnscored(totals);
    document.body.setAttribute("data-totals-updated", String(asked));
  }

  // The list of indicators still without a level, each linking to its field.
  function showUnscored(totals) {
    var box = document.getElementById("unscored-summary");
    var list = document.getElementById("unscored-list");
    if (!box || !list || !totals.unscored_rows) { return; }
    set("unscored-count", totals.unscored_heading);
    while (list.firstChild) { list.removeChild(list.firstChild); }
    totals.unscored_rows.forEach(function (row) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + row.anchor;
      link.textContent = row.text;
      item.appendChild(link);
      list.appendChild(item);
    });
    box.hidden = totals.unscored_rows.length === 0;
  }

  function refresh() {
    asked += 1;
    var mine = asked;
    fetch(url, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json" },
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (totals) {
      if (mine === asked) { show(totals); }  // an older answer never overwrites a newer one
    }).catch(function () {
      var status = document.getElementById("totals-status");
      if (status) { status.textContent = status.getAttribute("data-failed"); }
    });
  }

  function soon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 250);
  }

  form.addEventListener("change", function (event) {
    var name = event.target && event.target.name || "";
    if (/_(level|checklist)$/.test(name)) { soon(); }
  });
})();
