/*
 * The quarterly entry form (metrics/quarter_entry.html, one card per metric in
 * metrics/_entry_metric.html): progressive enhancement only. Without this script every
 * field stays visible and the error summary's links work as plain in-page links.
 *
 * 1. "Why it is not available" is shown only while "Not available this period" is
 *    checked. Markup contract:
 *      <div id="X-group" data-shown-by="CHECKBOX_ID"> ...the reason field... </div>
 *    The checkbox gets aria-controls="X-group" and aria-expanded; the group gets `hidden`
 *    while the box is unchecked. A group with an error in it is never hidden.
 * 2. The error summary (role="alert", heading id "error-summary-heading") takes focus when
 *    the page loads, and each of its links moves focus to the field it names, scrolling so
 *    that the field's label (or the metric's legend) is in view, not just the input: as
 *    the GOV.UK and USWDS error summaries do.
 *
 * Plain ES2017, no dependencies, loaded with defer; no inline handlers (CSP).
 */
(function () {
  "use strict";

  function setUpReveal(group) {
    var checkbox = document.getElementById(group.getAttribute("data-shown-by"));
    if (!checkbox || checkbox.type !== "checkbox") {
      return;
    }
    checkbox.setAttribute("aria-controls", group.id);

    function sync() {
      var show = checkbox.checked || group.querySelector(".usa-form-group--error") !== null;
      group.hidden = !show;
      checkbox.setAttribute("aria-expanded", show ? "true" : "false");
    }

    checkbox.addEventListener("change", sync);
    sync();
  }

  /* The element to scroll into view above a field: its label, or the card's legend when
     the label is close to it, so the person sees which metric the field belongs to. */
  function scrollAnchorFor(field) {
    var label = document.querySelector('label[for="' + CSS.escape(field.id) + '"]');
    var fieldset = field.closest("fieldset");
    var legend = fieldset ? fieldset.querySelector("legend") : null;
    if (legend && label) {
      var distance = label.getBoundingClientRect().top - legend.getBoundingClientRect().top;
      if (distance < window.innerHeight / 2) {
        return legend;
      }
    }
    return label || legend || field;
  }

  function focusTarget(id) {
    var target = document.getElementById(id);
    if (!target) {
      return false;
    }
    // A link to a whole metric (#metric-12) goes to its first field.
    if (target.tagName === "FIELDSET") {
      target = target.querySelector("input:not([type=hidden]), select, textarea") || target;
    }
    var reveal = target.closest("[data-shown-by]");
    if (reveal) {
      reveal.hidden = false;
    }
    if (typeof target.focus !== "function") {
      return false;
    }
    scrollAnchorFor(target).scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
    return document.activeElement === target;
  }

  function setUpErrorSummary(summary) {
    summary.setAttribute("tabindex", "-1");
    summary.addEventListener("click", function (event) {
      var link = event.target.closest('a[href^="#"]');
      if (!link || !summary.contains(link)) {
        return;
      }
      if (focusTarget(decodeURIComponent(link.hash.slice(1)))) {
        event.preventDefault();
      }
    });
    summary.focus();
  }

  function init() {
    document.querySelectorAll("[data-shown-by]").forEach(setUpReveal);
    var heading = document.getElementById("error-summary-heading");
    var summary = heading ? heading.closest('[role="alert"]') : null;
    if (summary) {
      setUpErrorSummary(summary);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
