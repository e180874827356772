// The course pages' only script: the assignment editor's search over the bank. Served from
// /static (the pages' CSP forbids inline scripts); without it, every exercise is listed.
(function () {
  "use strict";

  function setupSearch(box) {
    const input = document.getElementById("exercise-search");
    const table = document.getElementById("picker");
    const none = document.getElementById("no-match");
    if (!input || !table) return;
    box.hidden = false;
    const rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-search]"));
    function filter() {
      const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      let shown = 0;
      rows.forEach(function (row) {
        const chosen = row.querySelector("input[type=checkbox]").checked;
        const text = row.dataset.search || "";
        const match = chosen || words.every(function (word) { return text.indexOf(word) !== -1; });
        row.hidden = !match;
        if (match) shown += 1;
      });
      if (none) none.hidden = shown > 0;
    }
    input.addEventListener("input", filter);
    // Enter in the search box filters; it must not send the form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
    table.addEventListener("change", function (event) {
      const row = event.target.closest("tr");
      if (row && event.target.type === "checkbox") row.classList.toggle("chosen", event.target.checked);
    });
  }

  function start() {
    const box = document.querySelector(".picker-search");
    if (box) setupSearch(box);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
