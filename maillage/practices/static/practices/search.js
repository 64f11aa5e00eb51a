/* Search page: the suggestion listbox of the search box (keyboard, choice) and, on a phone,
   the facet sections folded so that the results come first. The page works without it. */
(function () {
  "use strict";
  var PHONE = window.matchMedia("(max-width: 47.98em)");

  /* On a phone: the whole panel folded, and inside it only the sections with a chosen value
     open. A panel the person has just opened stays open across result updates. */
  var panelOpened = false;

  function foldFacets(root) {
    if (!PHONE.matches) {
      return;
    }
    var panel = root.querySelector("details.practice-facets");
    if (panel) {
      panel.open = panelOpened;
      panel.addEventListener("toggle", function () {
        panelOpened = panel.open;
      });
    }
    root.querySelectorAll("details.practice-facet").forEach(function (details) {
      details.open = Boolean(details.querySelector("input:checked"));
    });
  }

  function parts() {
    var input = document.getElementById("search-q");
    return { input: input, listbox: document.getElementById("search-suggestions") };
  }

  function options() {
    return Array.prototype.slice.call(parts().listbox.querySelectorAll("[role=option]"));
  }

  function close() {
    var p = parts();
    p.listbox.innerHTML = "";
    p.input.setAttribute("aria-expanded", "false");
    p.input.removeAttribute("aria-activedescendant");
  }

  function activate(index) {
    var all = options();
    all.forEach(function (option, position) {
      option.setAttribute("aria-selected", position === index ? "true" : "false");
    });
    if (index >= 0 && index < all.length) {
      parts().input.setAttribute("aria-activedescendant", all[index].id);
    } else {
      parts().input.removeAttribute("aria-activedescendant");
    }
  }

  function choose(option) {
    var input = parts().input;
    input.value = option.dataset.value;
    close();
    input.form.requestSubmit();
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var p = parts();
    if (!p.input) {
      return;
    }
    if (event.detail.target === p.listbox) {
      p.input.setAttribute("aria-expanded", options().length ? "true" : "false");
    } else {
      foldFacets(document);
    }
  });

  document.addEventListener("keydown", function (event) {
    var p = parts();
    if (!p.input || event.target !== p.input) {
      return;
    }
    var all = options();
    var current = all.findIndex(function (option) {
      return option.getAttribute("aria-selected") === "true";
    });
    if (event.key === "ArrowDown" && all.length) {
      event.preventDefault();
      activate((current + 1) % all.length);
    } else if (event.key === "ArrowUp" && all.length) {
      event.preventDefault();
      activate(current <= 0 ? all.length - 1 : current - 1);
    } else if (event.key === "Enter" && current >= 0) {
      event.preventDefault();
      choose(all[current]);
    } else if (event.key === "Escape") {
      close();
    }
  });

  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest("#search-suggestions [role=option]");
    if (option) {
      choose(option);
    } else if (!event.target.closest || !event.target.closest("[data-practice-suggest]")) {
      if (parts().listbox) {
        close();
      }
    }
  });

  document.addEventListener("submit", function (event) {
    if (event.target.id === "search-form" && parts().listbox) {
      close();
    }
  });

  foldFacets(document);
})();
