/* Suggestions while typing in "De quoi s'agit-il ?": an ARIA 1.2 combobox with a listbox
   popup (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/). Progressive enhancement:
   without JavaScript the field is a plain text field and the form works the same.
   Keyboard: Down/Up move through the suggestions (Alt+Down opens), Enter picks the
   highlighted one, Escape closes (a second Escape clears the field), Tab leaves.
   Screen readers hear the number of suggestions through a polite live region.
   Suggestions come from /api/v1/suggest and are written as text, never as HTML. */
(function () {
  "use strict";
  var DELAY_MS = 150;
  var boxes = document.querySelectorAll("[data-suggest]");
  Array.prototype.forEach.call(boxes, setUp);

  function setUp(box) {
    var input = box.querySelector("[data-suggest-input]");
    var list = box.querySelector("[data-suggest-list]");
    var status = box.querySelector("[data-suggest-status]");
    if (!input || !list || !window.fetch) { return; }
    var url = input.getAttribute("data-suggest-url");
    var items = [];
    var active = -1;
    var timer = null;
    var asked = "";
    // What it says comes from the page, in its language (data-say-… of the box).
    function words(name) { return box.getAttribute("data-say-" + name) || ""; }
    var hint = document.createElement("p");
    hint.id = input.id + "-combo-hint";
    hint.className = "visually-hidden";
    hint.textContent = words("hint");
    box.appendChild(hint);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-describedby",
                       (input.getAttribute("aria-describedby") || "") + " " + hint.id);

    function announce(text) { status.textContent = text; }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) { return; }
      active = (index + options.length) % options.length;
      Array.prototype.forEach.call(options, function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({block: "nearest"});
    }

    function pick(index) {
      if (index < 0 || index >= items.length) { return; }
      input.value = items[index].label;
      close();
      announce(words("chosen").replace("{label}", items[index].label));
      input.focus();
    }

    function show(found) {
      items = found;
      list.textContent = "";
      found.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = list.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = "suggest-option suggest-" + item.kind;
        var label = document.createElement("span");
        label.textContent = item.label;
        var kind = document.createElement("span");
        kind.className = "suggest-kind";
        kind.textContent = " " + words(item.kind === "theme" ? "theme" : "group");
        option.appendChild(label);
        option.appendChild(kind);
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();   // keep the focus in the field
          pick(i);
        });
        list.appendChild(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (found.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        announce(found.length === 1 ? words("one")
                 : words("many").replace("{n}", String(found.length)));
      } else {
        close();
        announce("");
      }
    }

    function ask() {
      var q = input.value.trim();
      if (q.length < 2) { show([]); return; }
      if (q === asked && items.length) { list.hidden = false; return; }
      asked = q;
      fetch(url + "?limit=8&q=" + encodeURIComponent(q), {headers: {Accept: "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {suggestions: []}; })
        .then(function (data) { if (q === input.value.trim()) { show(data.suggestions || []); } })
        .catch(function () { show([]); });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (open) { highlight(active + 1); return; }
        if (!items.length) { ask(); return; }
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        if (!event.altKey) { highlight(0); }
      } else if (event.key === "ArrowUp") {
        if (open) { event.preventDefault(); highlight(active - 1); }
      } else if (event.key === "Enter") {
        if (open && active >= 0) { event.preventDefault(); pick(active); }
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); }
        else if (input.value) { event.preventDefault(); input.value = ""; }
      } else if (event.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 100); });
  }
})();
