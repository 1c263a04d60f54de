/* Inside the partner's iframe (templates/embed.html): tell the parent page how tall this
   page is, so static/js/embed-resize.js on the partner's page can size the iframe.
   The message is {type, height} and nothing else: never this page's URL, which holds the
   visitor's search (postcode, commune, and after "Autour de moi" their coordinates), for
   any script on the partner's page (analytics, ads) listens to messages too. It goes to
   the parent's origin when it is known (the resize script's ping, or the browser's
   ancestorOrigins / referrer on the first page), else to "*": a height is no secret.
   The partner's script checks that the message comes from the finder's origin and from
   this iframe. */
(function () {
  "use strict";
  if (window.parent === window) { return; }
  var TYPE = "entraide-finder:height";
  var KEY = "entraide-finder:parent-origin";
  var last = 0;
  var parentOrigin = knownParentOrigin();

  function originOf(url) {
    try { return new URL(url).origin; } catch (e) { return ""; }
  }

  function remember(origin) {
    if (!origin || origin === "null" || origin === window.location.origin) { return; }
    parentOrigin = origin;
    try { window.sessionStorage.setItem(KEY, origin); } catch (e) { /* storage refused */ }
  }

  function knownParentOrigin() {
    var ancestors = window.location.ancestorOrigins;
    if (ancestors && ancestors.length && ancestors[0] !== "null") { return ancestors[0]; }
    // After a search inside the frame the referrer is our own page: keep the first one.
    var fromReferrer = originOf(document.referrer);
    if (fromReferrer && fromReferrer !== window.location.origin) {
      try { window.sessionStorage.setItem(KEY, fromReferrer); } catch (e) { /* refused */ }
      return fromReferrer;
    }
    try { return window.sessionStorage.getItem(KEY) || ""; } catch (e) { return ""; }
  }

  function height() {
    var body = document.body;
    var style = window.getComputedStyle(body);
    // The content's own height: not scrollHeight, which never falls below the iframe's.
    return Math.ceil(body.getBoundingClientRect().height
      + parseFloat(style.marginTop || 0) + parseFloat(style.marginBottom || 0));
  }

  function post() {
    var h = height();
    if (Math.abs(h - last) < 2) { return; }
    last = h;
    window.parent.postMessage({ type: TYPE, height: h }, parentOrigin || "*");
  }

  var pending = false;
  function schedule() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; post(); });
  }

  if ("ResizeObserver" in window) {
    new ResizeObserver(schedule).observe(document.body);
  } else {
    window.setInterval(post, 500);
  }
  window.addEventListener("load", post);
  window.addEventListener("resize", schedule);
  document.addEventListener("toggle", schedule, true);   // <details> opened or closed
  // The partner's script asks again when it starts after us.
  window.addEventListener("message", function (event) {
    if (event.source === window.parent && event.data && event.data.type === "entraide-finder:ping") {
      remember(event.origin);
      last = 0;
      post();
    }
  });
  post();
}());
