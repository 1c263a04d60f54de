/* The error summary's links (templates/partials/errors.html) take the focus to their
   field, as a person expects (a plain in-page link only scrolls), opening the folded
   criteria that hold it, and keep the field's label in view.
   Without JavaScript the links still scroll to the field. */
(function () {
  "use strict";
  var summaries = document.querySelectorAll("[data-error-summary]");
  Array.prototype.forEach.call(summaries, function (summary) {
    if (summary.hasAttribute("data-bound")) { return; }   // loaded once per summary
    summary.setAttribute("data-bound", "");
    summary.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
      if (!link) { return; }
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) { return; }
      event.preventDefault();
      var folded = field.closest ? field.closest("details") : null;
      if (folded) { folded.open = true; }
      var label = document.querySelector("label[for='" + field.id + "']");
      (label || field).scrollIntoView({ block: "start" });
      field.focus({ preventScroll: true });
    });
  });
})();
