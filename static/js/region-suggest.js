// Region boxes of the filter forms (inputs with data-region-suggest) offer the regions whose
// names match what the reader types, as an ARIA combobox with a listbox: the arrow keys move
// through the suggestions, Enter or a click picks one (its slug goes into the box), Escape
// closes them. Without this script the box still takes a slug, an id or a full name.
(function () {
  "use strict";

  var DELAY = 200; // milliseconds of quiet typing before asking
  var counter = 0;

  function enhance(input) {
    counter += 1;
    var listId = "region-suggest-" + counter;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "region-suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    if (input.labels && input.labels.length) {
      list.setAttribute("aria-label", input.labels[0].textContent.trim());
    }
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    input.parentElement.classList.add("has-region-suggestions");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var timer = null;
    var asked = "";
    var active = -1;
    var controller = null;

    function options() {
      return list.querySelectorAll('[role="option"]');
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var all = options();
      if (!all.length) {
        return;
      }
      active = (index + all.length) % all.length;
      all.forEach(function (option, position) {
        option.setAttribute("aria-selected", position === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    function pick(option) {
      input.value = option.getAttribute("data-slug");
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(regions) {
      list.textContent = "";
      regions.forEach(function (region, position) {
        var option = document.createElement("li");
        option.id = listId + "-" + position;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-slug", region.slug);
        option.textContent = region.label;
        var slug = document.createElement("span");
        slug.className = "region-suggestion-slug";
        slug.textContent = " " + region.slug;
        option.appendChild(slug);
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the box
        });
        option.addEventListener("click", function () {
          pick(option);
        });
        list.appendChild(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      var found = input.getAttribute("data-suggestions-found") || "%s";
      status.textContent = found.replace("%s", String(regions.length));
      if (regions.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
    }

    function ask() {
      var query = input.value.trim();
      if (query === asked) {
        return;
      }
      asked = query;
      if (!query) {
        show([]);
        return;
      }
      if (controller) {
        controller.abort();
      }
      controller = new AbortController();
      var url = input.getAttribute("data-region-suggest") + "?q=" + encodeURIComponent(query);
      fetch(url, { headers: { Accept: "application/json" }, signal: controller.signal })
        .then(function (response) {
          return response.ok ? response.json() : [];
        })
        .then(function (regions) {
          if (input.value.trim() === query) {
            show(regions);
          }
        })
        .catch(function () {
          // offline, refused or aborted: the box still takes what is typed
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (list.hidden && options().length) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        }
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
        event.preventDefault();
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        pick(options()[active]);
        event.preventDefault(); // a pick, not the form's submission
      } else if (event.key === "Escape" && !list.hidden) {
        close();
        event.preventDefault();
      }
    });
    input.addEventListener("blur", close);
  }

  function start() {
    document.querySelectorAll("input[data-region-suggest]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
