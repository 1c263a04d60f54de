/* Entraide Wallonie-Bruxelles — for partner sites that embed the finder.
   Paste after the <iframe> snippet:
     <script src="https://FINDER/static/js/embed-resize.js" async></script>
   The iframe then takes the height of its content (no inner scroll bar).
   Only messages from the finder's own origin (the origin this script is served from) and
   from one of its iframes on the page are obeyed; everything else is ignored. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) { return; }
  var origin;
  try { origin = new URL(script.src, window.location.href).origin; } catch (e) { return; }
  var TYPE = "entraide-finder:height";
  var MIN = 200, MAX = 20000;

  function finderFrames() {
    var frames = document.getElementsByTagName("iframe"), out = [];
    for (var i = 0; i < frames.length; i++) {
      var src = frames[i].getAttribute("src") || "";
      try {
        if (new URL(src, window.location.href).origin === origin) { out.push(frames[i]); }
      } catch (e) { /* not a URL: not ours */ }
    }
    return out;
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== origin) { return; }
    var data = event.data;
    if (!data || data.type !== TYPE || typeof data.height !== "number" || !isFinite(data.height)) { return; }
    var frames = finderFrames();
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        var h = Math.max(MIN, Math.min(MAX, Math.round(data.height)));
        frames[i].style.height = h + "px";
        frames[i].setAttribute("data-resized", String(h));
        return;
      }
    }
  });

  // Frames that loaded before this script: ask them for their height again.
  function ping() {
    var frames = finderFrames();
    for (var i = 0; i < frames.length; i++) {
      try { frames[i].contentWindow.postMessage({ type: "entraide-finder:ping" }, origin); } catch (e) { /* not loaded yet */ }
    }
  }
  if (document.readyState === "complete") { ping(); } else { window.addEventListener("load", ping); }
}());
