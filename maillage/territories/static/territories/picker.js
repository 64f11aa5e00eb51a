/* Territory picker: keyboard and selection for the ARIA combobox of
   maillage/territories/templates/territories/widgets/picker.html. htmx fetches the options;
   this script asks it for `q`, lets a person move through the options and choose, and keeps one
   hidden input per chosen territory. Listeners are delegated, so pickers added later work too. */
(function () {
  "use strict";
  if (window.maillageTerritoryPicker) {
    return;
  }
  window.maillageTerritoryPicker = true;

  var COMBOBOX = "[data-territory-picker] input[role=combobox]";

  function pickerOf(element) {
    return element.closest("[data-territory-picker]");
  }

  function parts(picker) {
    return {
      input: picker.querySelector("input[role=combobox]"),
      listbox: picker.querySelector("[role=listbox]"),
      status: picker.querySelector("[data-picker-status]"),
      chosen: picker.querySelector("[data-picker-chosen]"),
    };
  }

  function options(picker) {
    return Array.prototype.slice.call(
      parts(picker).listbox.querySelectorAll("[role=option]")
    );
  }

  function announce(picker, message) {
    var status = parts(picker).status;
    status.textContent = message;
    if (message !== picker.dataset.noneLabel) {
      status.classList.add("fr-sr-only");
    }
  }

  // Until the next keystroke: an answer to a request sent before is then ignored.
  function close(picker) {
    picker.dataset.dismissed = "true";
    var p = parts(picker);
    p.listbox.innerHTML = "";
    p.input.setAttribute("aria-expanded", "false");
    p.input.removeAttribute("aria-activedescendant");
  }

  function activate(picker, index) {
    var all = options(picker);
    var input = parts(picker).input;
    all.forEach(function (option, position) {
      option.setAttribute("aria-selected", position === index ? "true" : "false");
    });
    if (index < 0 || index >= all.length) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    input.setAttribute("aria-activedescendant", all[index].id);
    all[index].scrollIntoView({ block: "nearest" });
  }

  function activeIndex(picker) {
    return options(picker).findIndex(function (option) {
      return option.getAttribute("aria-selected") === "true";
    });
  }

  function tag(picker, id, label) {
    var item = document.createElement("li");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "fr-tag fr-tag--sm fr-tag--dismiss";
    button.setAttribute("data-picker-remove", "");
    button.setAttribute("aria-label", picker.dataset.removeLabel + " " + label);
    button.textContent = label;
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = picker.dataset.name;
    hidden.value = id;
    item.appendChild(button);
    item.appendChild(hidden);
    return item;
  }

  function choose(picker, option) {
    var p = parts(picker);
    var id = option.dataset.id;
    var already = Array.prototype.some.call(
      p.chosen.querySelectorAll("input[type=hidden]"),
      function (hidden) {
        return hidden.value === id;
      }
    );
    if (!picker.hasAttribute("data-multiple")) {
      p.chosen.innerHTML = "";
      already = false;
    }
    if (!already) {
      p.chosen.appendChild(tag(picker, id, option.dataset.label));
    }
    p.input.value = "";
    close(picker);
    announce(picker, picker.dataset.chosenLabel + " " + option.dataset.label);
    p.input.focus();
    if (picker.hasAttribute("data-submit-on-choose") && p.input.form) {
      p.input.form.requestSubmit();
    }
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var input = event.detail.elt;
    if (!input.matches || !input.matches(COMBOBOX)) {
      return;
    }
    var picker = pickerOf(input);
    delete event.detail.parameters[input.name];
    event.detail.parameters.q = input.value;
    event.detail.parameters.levels = picker.dataset.levels;
  });

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches(COMBOBOX)) {
      delete pickerOf(event.target).dataset.dismissed;
    }
  });

  // An answer is stale when the list was closed since, or when the box no longer holds what
  // was asked (the person kept typing, or chose).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var picker = pickerOf(event.detail.target);
    if (!picker || event.detail.target.getAttribute("role") !== "listbox") {
      return;
    }
    var asked = new URL(event.detail.xhr.responseURL).searchParams.get("q");
    if (picker.dataset.dismissed || asked !== parts(picker).input.value) {
      event.detail.shouldSwap = false;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var picker = pickerOf(event.detail.target);
    if (!picker || event.detail.target.getAttribute("role") !== "listbox") {
      return;
    }
    var p = parts(picker);
    var all = options(picker);
    all.forEach(function (option, position) {
      option.id = p.listbox.id + "-" + position;
    });
    p.input.removeAttribute("aria-activedescendant");
    p.input.setAttribute("aria-expanded", all.length ? "true" : "false");
    if (all.length) {
      announce(picker, picker.dataset.countLabel.replace("%(count)s", all.length));
    } else {
      p.status.classList.remove("fr-sr-only");
      announce(picker, picker.dataset.noneLabel);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (!event.target.matches || !event.target.matches(COMBOBOX)) {
      return;
    }
    var picker = pickerOf(event.target);
    var all = options(picker);
    var index = activeIndex(picker);
    switch (event.key) {
      case "ArrowDown":
        if (all.length) {
          event.preventDefault();
          activate(picker, (index + 1) % all.length);
        }
        break;
      case "ArrowUp":
        if (all.length) {
          event.preventDefault();
          activate(picker, index <= 0 ? all.length - 1 : index - 1);
        }
        break;
      case "Enter":
        if (index >= 0) {
          event.preventDefault();
          choose(picker, all[index]);
        }
        break;
      case "Escape":
        if (all.length) {
          event.preventDefault();
          close(picker);
        } else if (event.target.value) {
          event.preventDefault();
          event.target.value = "";
        }
        break;
      default:
        break;
    }
  });

  // Keep the focus in the box when an option is pressed, so that the list does not close first.
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest && event.target.closest("[data-territory-picker] [role=option]")) {
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest("[data-territory-picker] [role=option]");
    if (option) {
      choose(pickerOf(option), option);
    }
  });

  // In the capture phase, before the DSFR's own handler of dismissible tags, which removes the
  // button alone and would leave its hidden input behind.
  document.addEventListener(
    "click",
    function (event) {
      var remove =
        event.target.closest && event.target.closest("[data-territory-picker] [data-picker-remove]");
      if (!remove) {
        return;
      }
      var picker = pickerOf(remove);
      var label = remove.textContent;
      remove.closest("li").remove();
      parts(picker).input.focus();
      announce(picker, picker.dataset.removedLabel + " " + label);
    },
    true
  );

  document.addEventListener("focusout", function (event) {
    var picker = event.target.matches && event.target.matches(COMBOBOX) && pickerOf(event.target);
    if (picker && !picker.contains(event.relatedTarget)) {
      close(picker);
    }
  });
})();
