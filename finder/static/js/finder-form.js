/* Shorter, cleaner shareable links: empty fields of the search form are not sent.
   Progressive enhancement only: without JavaScript the form sends every field, which the
   server understands just as well. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-finder-form]");
  if (!form) { return; }
  form.addEventListener("submit", function () {
    var fields = form.querySelectorAll("input[name], select[name]");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].value === "" && !fields[i].disabled) {
        fields[i].disabled = true;
        fields[i].setAttribute("data-was-empty", "");
      }
    }
    // Coming back with the browser's back button: the fields work again.
    window.setTimeout(function () {
      var off = form.querySelectorAll("[data-was-empty]");
      for (var j = 0; j < off.length; j++) {
        off[j].disabled = false;
        off[j].removeAttribute("data-was-empty");
      }
    }, 0);
  });
})();
