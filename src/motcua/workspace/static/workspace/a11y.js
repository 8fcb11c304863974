/* Keyboard and screen-reader help for the staff pages (no framework, works with htmx).
 *
 * - Content swapped in by htmx that carries [data-announce] is read out through the two live
 *   regions of the layout (#live-status, polite; #live-alert, assertive for
 *   data-announce="alert"). They stay in the page, so screen readers keep listening: a live
 *   region inserted with the new content is often not announced at all.
 * - The first [data-focus] element of swapped content (the "Đã thực hiện…" notice, an error
 *   summary) takes the focus and is scrolled into view, instead of focus dropping to <body>.
 * - On a full page load the same happens for an error summary.
 */
(function () {
  "use strict";

  function announce(text, urgent) {
    var region = document.getElementById(urgent ? "live-alert" : "live-status");
    if (!region || !text) return;
    region.textContent = "";
    // A change after clearing is what screen readers pick up, even for the same words.
    window.setTimeout(function () { region.textContent = text; }, 60);
  }

  function focusFirst(root) {
    var target = root.matches && root.matches("[data-focus]") ? root : root.querySelector("[data-focus]");
    if (!target) return false;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "start" });
    return true;
  }

  function handle(root) {
    var nodes = [];
    if (root.matches && root.matches("[data-announce]")) nodes.push(root);
    root.querySelectorAll("[data-announce]").forEach(function (n) { nodes.push(n); });
    var polite = [], urgent = [];
    nodes.forEach(function (n) {
      var text = (n.getAttribute("data-announce-text") || n.textContent || "").replace(/\s+/g, " ").trim();
      if (!text) return;
      (n.getAttribute("data-announce") === "alert" ? urgent : polite).push(text);
    });
    if (urgent.length) announce(urgent.join(" "), true);
    if (polite.length) announce(polite.join(" "), false);
    focusFirst(root);
  }

  document.addEventListener("htmx:load", function (event) {
    var elt = event.detail && event.detail.elt;
    if (!elt || elt === document.body || !(elt instanceof Element)) return;
    handle(elt);
  });

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary[data-focus]");
    if (summary) focusFirst(summary);
  });
})();
