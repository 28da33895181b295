// Tables as cards on a phone (style.css, ≤ 700 px): each cell shows its column's name, taken
// from the table's header row into the cell's data-label. Cells that already have one (set by
// the server) keep it. Without this script the page still works: the cells stack unlabelled.
(function () {
  "use strict";

  function headerNames(table) {
    var row = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    var names = [];
    if (!row) return names;
    Array.prototype.forEach.call(row.cells, function (th) {
      var text = th.textContent.replace(/\s+/g, " ").trim();
      for (var i = 0; i < (th.colSpan || 1); i++) names.push(text);
    });
    return names;
  }

  function label(table) {
    var names = headerNames(table);
    if (!names.length) return;
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (tr) {
        var column = 0;
        Array.prototype.forEach.call(tr.cells, function (td) {
          if (!td.hasAttribute("data-label") && td.colSpan === 1 && names[column] !== undefined) {
            td.setAttribute("data-label", names[column]);
          }
          column += td.colSpan || 1;
        });
      });
    });
  }

  function labelAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("table"), label);
  }

  window.dondocTables = { label: labelAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { labelAll(); });
  } else {
    labelAll();
  }
})();
