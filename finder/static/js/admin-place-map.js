/* Placing a meeting place on a map in the admin (progressive enhancement: without
 * JavaScript, the latitude and longitude fields of the form do the same).
 *
 * Each [data-place-map] element becomes a Leaflet map with one draggable marker. Clicking
 * the map or dragging the marker writes the point into the form's lat/lon fields; typing
 * coordinates moves the marker; with the marker focused (Tab), the arrow keys move it
 * (about 10 m a press, 100 m with Shift). Saving the form makes the place "exact".
 */
(function () {
  "use strict";

  var STEP = 0.0001;          // degrees: about 11 m north-south, 7 m east-west here

  function round6(value) { return Math.round(value * 1e6) / 1e6; }

  function attach(box) {
    var form = box.closest("form");
    var lat = form.querySelector('input[name="lat"]');
    var lon = form.querySelector('input[name="lon"]');
    var status = box.parentNode.querySelector("[data-place-status]");
    var start = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lon)];
    var map = L.map(box, { keyboard: true }).setView(start, box.dataset.exact === "1" ? 17 : 14);
    L.tileLayer(box.dataset.tiles, {
      maxZoom: parseInt(box.dataset.maxZoom || "19", 10),
      attribution: box.dataset.attribution || ""
    }).addTo(map);
    var marker = L.marker(start, {
      draggable: true, keyboard: true, autoPan: true,
      title: "Lieu de réunion : faites glisser, ou utilisez les flèches du clavier",
      alt: "Marqueur du lieu de réunion"
    }).addTo(map);

    function write(point, how) {
      lat.value = round6(point.lat).toFixed(6);
      lon.value = round6(point.lng).toFixed(6);
      if (status) {
        status.textContent = "Nouveau point (" + how + ") : " + lat.value + ", " + lon.value
          + ". Enregistrez le lieu pour le garder.";
      }
    }

    function moveTo(point, how) {
      marker.setLatLng(point);
      write(marker.getLatLng(), how);
    }

    map.on("click", function (event) { moveTo(event.latlng, "clic sur la carte"); });
    marker.on("dragend", function () { write(marker.getLatLng(), "marqueur déplacé"); });

    var icon = marker.getElement();
    if (icon) {
      icon.setAttribute("role", "button");
      icon.setAttribute("aria-label", "Marqueur du lieu : flèches pour le déplacer");
      icon.addEventListener("keydown", function (event) {
        var moves = { ArrowUp: [1, 0], ArrowDown: [-1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
        var move = moves[event.key];
        if (!move) { return; }
        event.preventDefault();
        event.stopPropagation();
        var step = event.shiftKey ? STEP * 10 : STEP;
        var here = marker.getLatLng();
        moveTo(L.latLng(here.lat + move[0] * step, here.lng + move[1] * step), "clavier");
        map.panTo(marker.getLatLng());
      });
    }

    function typed() {
      var a = parseFloat(lat.value.replace(",", ".")), b = parseFloat(lon.value.replace(",", "."));
      if (isFinite(a) && isFinite(b) && Math.abs(a) <= 90 && Math.abs(b) <= 180) {
        marker.setLatLng([a, b]);
        map.panTo([a, b]);
      }
    }
    lat.addEventListener("change", typed);
    lon.addEventListener("change", typed);
  }

  function start() {
    if (!window.L) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-place-map]"), attach);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
