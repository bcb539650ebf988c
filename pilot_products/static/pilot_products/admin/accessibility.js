/*
 * Names for the admin widgets that scripts draw, which axe-core found unnamed.
 *
 * Select2 (autocomplete fields) puts a combobox and a search box in place of the
 * <select>, and names neither; the label of the <select> (or, in a tabular inline, the
 * aria-label the server gave it) is copied onto them. django-import-export's "Select
 * all" checkbox on the export page has a label pointing at an id it does not carry,
 * and an inline onchange handler that the Content-Security-Policy refuses. Django's
 * two-box selector (SelectFilter2, the user's groups and permissions) puts an
 * aria-label on a plain <span> icon, where ARIA does not allow one: it is given the
 * role of the image it is.
 */
"use strict";

(function () {
  function widgetName(select) {
    const label = select.id && document.querySelector(`label[for="${select.id}"]`);
    if (label) {
      return label.textContent.replace(/[:：]\s*$/, "").trim();
    }
    return select.getAttribute("aria-label") || "";
  }

  function nameAutocomplete(select) {
    const container = select.nextElementSibling;
    const name = widgetName(select);
    if (!name || !container || !container.classList.contains("select2")) {
      return;
    }
    container.querySelectorAll(".select2-selection").forEach((selection) => {
      selection.removeAttribute("aria-labelledby");
      selection.setAttribute("aria-label", name);
    });
    container
      .querySelectorAll(".select2-selection__rendered[role], .select2-search__field")
      .forEach((part) => part.setAttribute("aria-label", name));
  }

  function nameAutocompletes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(nameAutocomplete);
  }

  function nameFilterIcons(root) {
    root
      .querySelectorAll(".selector .help-tooltip[aria-label]:not([role])")
      .forEach((icon) => icon.setAttribute("role", "img"));
  }

  function repairSelectAllToggle() {
    const toggle = document.querySelector("input.select-toggle");
    if (!toggle) {
      return;
    }
    toggle.id = "select-all-toggle";
    toggle.addEventListener("change", (event) => {
      if (typeof window.onSelectToggleChange === "function") {
        window.onSelectToggleChange(event);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    repairSelectAllToggle();
    nameAutocompletes(document);
    nameFilterIcons(document);
    // Select2 draws its widgets later (jQuery's ready handlers run asynchronously) and
    // again in each new inline row: name them as soon as they appear.
    // SelectFilter2 builds its boxes on the window's load event.
    new MutationObserver(() => {
      nameAutocompletes(document);
      nameFilterIcons(document);
    }).observe(document.body, {
      childList: true,
      subtree: true,
    });
  });
})();
