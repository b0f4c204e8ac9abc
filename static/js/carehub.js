// CareHub's own script: small enhancements only. Every page works without it.
(function () {
  "use strict";

  // The GOV.UK error summary: focus it when it appears, so a screen reader reads it
  // and a keyboard user starts from it; a link in it focuses its field and scrolls
  // the field's label (or legend) into view, not just the box.
  function focusSummary(root) {
    var summary = root.querySelector(".error-summary");
    if (summary) {
      summary.focus();
      return true;
    }
    return false;
  }

  function labelFor(input) {
    var fieldset = input.closest("fieldset");
    if ((input.type === "radio" || input.type === "checkbox") && fieldset) {
      var legend = fieldset.querySelector("legend");
      if (legend) return legend;
    }
    return (input.id && document.querySelector('label[for="' + CSS.escape(input.id) + '"]')) || input;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".error-summary a[href^='#']");
    if (!link) return;
    var input = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!input) return;
    event.preventDefault();
    labelFor(input).scrollIntoView();
    input.focus({ preventScroll: true });
  });

  // A wide table scrolls inside its box at narrow widths; a box that scrolls must be
  // reachable by keyboard (WCAG 2.1.1), and named for screen readers by its table.
  function focusableScrollBoxes(root) {
    root.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth <= box.clientWidth || box.hasAttribute("tabindex")) return;
      var caption = box.querySelector("caption");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute(
        "aria-label",
        (caption && caption.textContent.trim()) || "Table (scrolls sideways)"
      );
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusSummary(document);
    focusableScrollBoxes(document);
  });

  // An htmx section save replaces the form the user was in: keep their place.
  // Errors: focus the section's summary. Saved: focus the section itself (it is
  // labelled by its heading, and says "Saved"), not the top of the page. Only the
  // request's own target: sections refreshed alongside it (out of band) are left be.
  var swapping = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    swapping = event.detail.target ? event.detail.target.id : null;
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var id = event.detail.elt && event.detail.elt.id;
    if (!swapping || id !== swapping) return;
    swapping = null;
    var target = document.getElementById(id);
    if (!target || focusSummary(target)) return;
    if (document.activeElement === document.body || !document.activeElement) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus();
    }
  });
})();
