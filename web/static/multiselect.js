// A searchable multi-select (chọn nhiều, có ô tìm): progressive enhancement of
//  - <select multiple data-multiselect>: the select stays in the form, hidden, and is what submits;
//  - <textarea data-choices="ID">: names separated by ";" (the notice review), offered from
//    the <datalist id="ID">; names not in the list stay as they were written.
// A text box filters the choices ignoring diacritics and case ("so noi" finds "Sở Nội vụ");
// chosen items show as chips with a button to remove each. Keyboard: ↓/↑ move in the list,
// Enter picks, Escape closes, Backspace in an empty box removes the last chip.
(function () {
  "use strict";
  var count = 0;

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[đĐ]/g, "d").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function selectSource(select) {
    return {
      items: function () {
        return Array.prototype.map.call(select.options, function (o) {
          return { value: o.value, text: o.textContent.trim() };
        });
      },
      chosen: function () {
        return Array.prototype.filter.call(select.options, function (o) { return o.selected; })
          .map(function (o) { return { value: o.value, text: o.textContent.trim() }; });
      },
      set: function (value, on) {
        Array.prototype.forEach.call(select.options, function (o) {
          if (o.value === value) o.selected = on;
        });
        select.dispatchEvent(new Event("change", { bubbles: true }));
      },
    };
  }

  function textSource(area, list) {
    function names() {
      return area.value.split(/[;\n]/).map(function (n) { return n.trim(); })
        .filter(function (n) { return n; });
    }
    return {
      items: function () {
        return Array.prototype.map.call(list.options, function (o) {
          return { value: o.value, text: o.value };
        });
      },
      chosen: function () {
        return names().map(function (n) { return { value: n, text: n }; });
      },
      set: function (value, on) {
        var kept = names().filter(function (n) { return n !== value; });
        if (on) kept.push(value);
        area.value = kept.join("; ");
      },
    };
  }

  function enhance(control, source) {
    var id = "ms-" + (++count);
    var label = control.closest("label");
    var labelText = control.getAttribute("aria-label") || (label ? label.firstChild.textContent.trim() : "");
    var box = document.createElement("div");
    box.className = "ms-box";
    var chips = document.createElement("ul");
    chips.className = "ms-chips";
    chips.setAttribute("aria-label", "Đã chọn" + (labelText ? ": " + labelText : ""));
    var input = document.createElement("input");
    input.type = "text";
    input.className = "ms-input";
    input.autocomplete = "off";
    input.placeholder = "Gõ tên để tìm, Enter để chọn";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id + "-list");
    input.setAttribute("aria-label", "Tìm" + (labelText ? " " + labelText.toLowerCase() : ""));
    var list = document.createElement("ul");
    list.className = "ms-list";
    list.id = id + "-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    box.appendChild(chips);
    box.appendChild(input);
    box.appendChild(list);
    control.hidden = true;
    control.insertAdjacentElement("afterend", box);
    var active = -1;

    function drawChips() {
      chips.textContent = "";
      var known = {};
      source.items().forEach(function (item) { known[item.value] = true; });
      source.chosen().forEach(function (item) {
        var li = document.createElement("li");
        li.className = "ms-chip" + (known[item.value] ? "" : " ms-unknown");
        if (!known[item.value]) li.title = "Không có trong danh mục";
        var name = document.createElement("span");
        name.textContent = item.text;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "ms-remove";
        remove.textContent = "×";
        remove.setAttribute("aria-label", "Bỏ " + item.text);
        remove.addEventListener("click", function () {
          source.set(item.value, false);
          drawChips();
          drawList();
          input.focus();
        });
        li.appendChild(name);
        li.appendChild(remove);
        chips.appendChild(li);
      });
    }

    function matches() {
      var words = fold(input.value).split(" ").filter(function (w) { return w; });
      var taken = {};
      source.chosen().forEach(function (item) { taken[item.value] = true; });
      return source.items().filter(function (item) {
        if (taken[item.value] || !item.value) return false;
        var name = fold(item.text);
        return words.every(function (w) { return name.indexOf(w) >= 0; });
      });
    }

    function drawList() {
      list.textContent = "";
      if (document.activeElement !== input && !input.value) { close(); return; }
      var found = matches();
      if (active >= found.length) active = found.length - 1;
      found.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = id + "-opt-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", i === active ? "true" : "false");
        li.className = "ms-option" + (i === active ? " ms-active" : "");
        li.textContent = item.text;
        li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(item); });
        list.appendChild(li);
      });
      if (!found.length) {
        var none = document.createElement("li");
        none.className = "ms-none";
        none.textContent = "Không có tên nào khớp.";
        list.appendChild(none);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      if (active >= 0) input.setAttribute("aria-activedescendant", id + "-opt-" + active);
      else input.removeAttribute("aria-activedescendant");
    }

    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function pick(item) {
      source.set(item.value, true);
      input.value = "";
      active = -1;
      drawChips();
      drawList();
      input.focus();
    }

    input.addEventListener("input", function () { active = 0; drawList(); });
    input.addEventListener("focus", drawList);
    input.addEventListener("blur", close);
    input.addEventListener("keydown", function (e) {
      var found;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        found = matches();
        if (!found.length) return;
        e.preventDefault();
        active = e.key === "ArrowDown" ? Math.min(active + 1, found.length - 1) : Math.max(active - 1, 0);
        drawList();
      } else if (e.key === "Enter") {
        found = matches();
        if (!list.hidden && found.length) {
          e.preventDefault();  // picking a name does not submit the form
          pick(found[Math.max(active, 0)]);
        } else if (input.value) {
          e.preventDefault();
        }
      } else if (e.key === "Escape") {
        if (!list.hidden) { e.preventDefault(); close(); }
      } else if (e.key === "Backspace" && !input.value) {
        var chosen = source.chosen();
        if (chosen.length) {
          source.set(chosen[chosen.length - 1].value, false);
          drawChips();
          drawList();
        }
      }
    });
    drawChips();
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("select[multiple][data-multiselect]:not([data-ms])").forEach(function (s) {
      s.setAttribute("data-ms", "1");
      enhance(s, selectSource(s));
    });
    (root || document).querySelectorAll("textarea[data-choices]:not([data-ms])").forEach(function (a) {
      var list = document.getElementById(a.getAttribute("data-choices"));
      if (!list) return;
      a.setAttribute("data-ms", "1");
      enhance(a, textSource(a, list));
    });
  }

  window.dondocMultiselect = { enhance: enhanceAll, fold: fold };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhanceAll(); });
  } else {
    enhanceAll();
  }
})();
