/* "Autour de moi": progressive enhancement of the search form.
   Without JavaScript (or without geolocation) the button stays hidden and the form works as is.
   With it: ask the browser for the position, put lat/lon in the form, and submit it. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-finder-form]");
  if (!form || !("geolocation" in navigator)) { return; }
  var button = form.querySelector("[data-locate]");
  var status = form.querySelector("[data-locate-status]");
  var postcode = form.querySelector("#postcode");
  if (!button) { return; }
  button.hidden = false;

  function removeLocated() {
    var old = form.querySelectorAll("input[data-located]");
    for (var i = 0; i < old.length; i++) { old[i].parentNode.removeChild(old[i]); }
  }

  function addHidden(name, value) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    input.setAttribute("data-located", "");
    form.appendChild(input);
  }

  function say(text) { if (status) { status.textContent = text; } }
  // What it says comes from the page, in its language (data-say-… of the button).
  function words(name) { return button.getAttribute("data-say-" + name) || ""; }

  // Typing a place replaces a previous "autour de moi" position.
  if (postcode) {
    postcode.addEventListener("input", removeLocated);
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    say(words("searching"));
    navigator.geolocation.getCurrentPosition(function (position) {
      removeLocated();
      addHidden("lat", position.coords.latitude.toFixed(5));
      addHidden("lon", position.coords.longitude.toFixed(5));
      if (postcode) { postcode.value = ""; }
      var commune = form.querySelector("#commune");
      if (commune) { commune.value = ""; }
      var page = form.querySelector("input[name=page]");
      if (page) { page.parentNode.removeChild(page); }
      say(words("found"));
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    }, function (error) {
      button.disabled = false;
      say(words(error && error.code === 1 ? "denied" : "failed"));
      if (postcode) { postcode.focus(); }
    }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
  });
})();
