/* Inside the partner's iframe (templates/embed.html): tell the parent page how tall this
   page is, so static/js/embed-resize.js on the partner's page can size the iframe.
   The height is not secret, so any parent may read it; the partner's script checks that
   the message comes from the finder's origin and from this iframe. */
(function () {
  "use strict";
  if (window.parent === window) { return; }
  var TYPE = "entraide-finder:height";
  var last = 0;

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
    window.parent.postMessage({ type: TYPE, height: h, href: window.location.href }, "*");
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
      last = 0;
      post();
    }
  });
  post();
}());
