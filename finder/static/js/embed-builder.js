/* /embed/builder: keep the preview iframe and the snippets in step with the form.
   Without JavaScript the form's submit button reloads the page with the same result. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-embed-builder]");
  if (!form) { return; }
  var base = form.getAttribute("data-embed-base");
  var resizeUrl = form.getAttribute("data-resize-url");
  var preview = document.querySelector("[data-embed-preview]");
  var link = document.querySelector("[data-embed-link]");
  var iframeSnippet = document.querySelector("[data-snippet-iframe]");
  var scriptSnippet = document.querySelector("[data-snippet-script]");
  // The iframe's title, in the embed's language when fixed, else in this page's ("").
  var TITLES = JSON.parse(form.getAttribute("data-frame-titles") || "{}");
  var PRESETS = ["q", "postcode", "radius_km", "chapter", "theme", "commune", "audience",
                 "service", "free", "day", "moment", "semaine"];
  var LOCKABLE = PRESETS;

  function attr(text) {
    return String(text).replace(/&/g, "&amp;").replace(/"/g, "&quot;")
      .replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function value(name) {
    var field = form.elements[name];
    return field && field.value ? field.value.trim().slice(0, 100) : "";
  }

  function embedUrl() {
    var params = new URLSearchParams();
    PRESETS.forEach(function (name) {
      var v = value(name);
      if (v && !(name === "radius_km" && v === "20")) { params.set(name, v); }
    });
    var locked = LOCKABLE.filter(function (name) {
      var box = form.querySelector('input[name="lock"][value="' + name + '"]');
      return box && box.checked;
    });
    if (locked.length) { params.set("lock", locked.join(",")); }
    var lang = value("embed_lang");          // the embed's language, when the partner fixes it
    if (lang) { params.set("lang", lang); }
    var query = params.toString();
    return base + (query ? "?" + query : "");
  }

  function height() {
    var h = parseInt(value("height"), 10);
    return isFinite(h) && h >= 200 && h <= 3000 ? h : 600;
  }

  var timer = null;
  function update() {
    var url = embedUrl();
    var h = height();
    var title = TITLES[value("embed_lang")] || TITLES[""] || "";
    iframeSnippet.value = '<iframe src="' + attr(url) + '" title="' + attr(title) +
      '" width="100%" height="' + h + '" loading="lazy" allow="geolocation"' +
      ' style="border:0;max-width:100%"></iframe>';
    scriptSnippet.value = '<script src="' + attr(resizeUrl) + '" async></' + 'script>';
    if (link) { link.href = url; }
    if (preview) {
      preview.height = String(h);
      window.clearTimeout(timer);
      // Typing in a text field: wait for a pause before reloading the preview.
      timer = window.setTimeout(function () {
        if (preview.getAttribute("src") !== url) { preview.setAttribute("src", url); }
      }, 400);
    }
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) { event.preventDefault(); update(); });

  var buttons = document.querySelectorAll("[data-copy]");
  Array.prototype.forEach.call(buttons, function (button) {
    var id = button.getAttribute("data-copy");
    var area = document.getElementById(id);
    var status = document.querySelector('[data-copy-status="' + id + '"]');
    button.hidden = false;
    button.addEventListener("click", function () {
      function done(ok) {
        if (status) { status.textContent = form.getAttribute(ok ? "data-say-copied"
                                                              : "data-say-copy-failed"); }
      }
      area.focus();
      area.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(area.value).then(function () { done(true); },
          function () { done(false); });
      } else {
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
        done(ok);
      }
    });
  });
  update();
}());
