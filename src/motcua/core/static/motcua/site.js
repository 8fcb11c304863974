/* Behaviours the pages used to write inline (the Content Security Policy allows no inline
   script): declared with data- attributes, wired here once. */
(function () {
  "use strict";
  function wire(root) {
    root.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
      if (el.dataset.wired) { return; }
      el.dataset.wired = "1";
      el.addEventListener("change", function () {
        // A period preset clears the custom dates it replaces.
        (el.dataset.clear || "").split(/\s+/).filter(Boolean).forEach(function (name) {
          var field = el.form && el.form.elements[name];
          if (field) { field.value = ""; }
        });
        el.form.submit();
      });
    });
    root.querySelectorAll("[data-print]").forEach(function (el) {
      el.addEventListener("click", function () { window.print(); });
    });
    root.querySelectorAll("a[data-back]").forEach(function (el) {
      el.addEventListener("click", function (evt) {
        if (window.history.length > 1) { evt.preventDefault(); window.history.back(); }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { wire(document); });
  document.addEventListener("htmx:load", function (evt) { wire(evt.target); });
})();
