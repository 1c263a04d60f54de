/* Places on the finder's maps (the skeleton is built by finder/mapview.py with Folium).
 *
 * FinderMap.attach(map, config) is called by the page's one inline script with the Leaflet
 * map and:
 *   data        URL of the places (GET /carte/lieux.json?<search>): the map asks it for
 *               the view it shows (&z=<zoom>&tiles=x0,y0,x1,y1), again when the person
 *               pans or zooms; the server clusters (finder/clusters.py). Or
 *   places      the places inline (group page): {markers, details, count, approx, meeting};
 *   origin      [lat, lon] of the search origin or null; fitZoom: closest zoom when fitting;
 *   maxTiles    the largest view the server answers, in tiles a side;
 *   views       [[zoom, [x0, y0, x1, y1], data], ...]: the places of the views the map
 *               may open on, sent with the page (finder/mapfit.py): drawn without asking;
 *   groupLinks  popups link to the group's page;
 *   attribution HTML (ours, escaped) added to the map's attribution;
 *   chapters    chapter titles, by index.
 * A marker row is [lat, lon, chapter index (-1: several), approximate (0/1), ids,
 * group names, where]; a cluster row [lat, lon, places, south, west, north, east].
 * Popup details come from data.details (URL, ?ids=1,2) or from places.details (indexes).
 *
 * Every word shown or said comes from the page (partials/map_strings.html, the element
 * #finder-map-strings: its data-* attributes), never from this file.
 *
 * Keyboard: Tab reaches each marker and cluster in reading order (top to bottom); Enter
 * or Space opens a marker's popup and moves the focus into it; Escape closes it and the
 * focus goes back to the marker. A cluster opened zooms to its places and says how many.
 *
 * What the map says (popups, marks' names, the status line, the page's words) comes
 * from finder-map-words.js. Everything
 * taken from the data is written with textContent or checked before it becomes a link:
 * names like "<img src=x onerror=alert(1)>" stay text.
 */
(function () {
  "use strict";

  var ICONS = {};
  var CACHE_VIEWS = 64;         // views kept in the page (back and forth costs nothing)

  // What the map says (the page's words, popups, marks' names, the status line):
  // finder-map-words.js.
  var W = null;
  function t(key, vars) { return W.say(key, vars); }
  function el(tag, className, text) { return W.el(tag, className, text); }

  function icon(chapter, approx, many) {
    var key = chapter + ":" + approx + ":" + many;
    if (!ICONS[key]) {
      ICONS[key] = L.divIcon({
        className: "fm-marker " + (chapter >= 0 ? "fm-c" + chapter : "fm-mixed")
          + (approx ? " fm-marker--approx" : "") + (many ? " fm-marker--many" : ""),
        html: "",
        iconSize: [30, 30],
        iconAnchor: [15, 15],
        popupAnchor: [0, -12]
      });
    }
    return ICONS[key];
  }

  function clusterIcon(n) {
    var size = n >= 1000 ? 50 : n >= 100 ? 44 : 40;
    return L.divIcon({ html: "<span aria-hidden=\"true\">" + W.number(n) + "</span>",
                       className: "fm-cluster" + (n >= 100 ? " fm-cluster--big" : ""),
                       iconSize: [size, size] });
  }

  // The tiles around the view, in blocks of two, so that a small pan asks for nothing.
  function viewTiles(map, maxTiles) {
    var z = Math.round(map.getZoom());
    var side = Math.pow(2, z);
    var b = map.getPixelBounds();
    function clamp(v) { return Math.max(0, Math.min(side - 1, v)); }
    var x0 = clamp(Math.floor(b.min.x / 256) - 1), x1 = clamp(Math.floor(b.max.x / 256) + 1);
    var y0 = clamp(Math.floor(b.min.y / 256) - 1), y1 = clamp(Math.floor(b.max.y / 256) + 1);
    x0 -= x0 % 2; y0 -= y0 % 2;
    x1 = clamp(x1 | 1); y1 = clamp(y1 | 1);
    var cap = maxTiles || 16;
    if (x1 - x0 + 1 > cap) { x0 = clamp(Math.floor((x0 + x1 + 1 - cap) / 2)); x1 = x0 + cap - 1; }
    if (y1 - y0 + 1 > cap) { y0 = clamp(Math.floor((y0 + y1 + 1 - cap) / 2)); y1 = y0 + cap - 1; }
    return { z: z, tiles: [x0, y0, x1, y1], key: z + "/" + [x0, y0, x1, y1].join(",") };
  }

  function attach(map, config) {
    var container = map.getContainer();
    var id = container.id;
    var status = document.getElementById(id + "-status");
    var legend = document.getElementById(id + "-legend");
    var help = document.getElementById("finder-map-help");
    var details = W.Details(config);
    var announcer = el("p", "fm-announce");
    announcer.setAttribute("aria-live", "polite");
    container.parentNode.insertBefore(announcer, container.nextSibling);

    // A named map with its instructions; arrows move it, + and − zoom (Leaflet's keys).
    if (t("mapRole")) { container.setAttribute("aria-roledescription", t("mapRole")); }
    if (help) {
      help.hidden = false;
      container.setAttribute("aria-describedby", help.id);
    }
    L.control.zoom({ zoomInTitle: t("zoomIn"), zoomOutTitle: t("zoomOut") }).addTo(map);
    if (map.attributionControl) {
      map.attributionControl.setPrefix("<a href=\"https://leafletjs.com\" title=\""
        + W.escapeHtml(t("leafletTitle")) + "\">Leaflet</a>");
      if (config.attribution) { map.attributionControl.addAttribution(config.attribution); }
    }
    // Focus order follows the layout: the zoom buttons (top left) before the places.
    var topLeft = map._controlCorners && map._controlCorners.topleft;
    if (topLeft) { container.insertBefore(topLeft, container.firstChild); }
    // Open in the page (no shift of the list below on a wide screen); on a phone it
    // closes, so the list comes right after the map.
    if (legend && window.matchMedia && window.matchMedia("(max-width: 47.99em)").matches) {
      legend.open = false;
    }
    // The wheel zooms the map only once it has been clicked or focused: scrolling the
    // page over the map keeps scrolling the page.
    map.on("focus click", function () { map.scrollWheelZoom.enable(); });
    map.on("blur", function () { map.scrollWheelZoom.disable(); });

    var layer = L.layerGroup().addTo(map);
    var shown = {};                 // key -> Leaflet marker on the map now
    var focusAfterZoom = null;      // bounds of a cluster opened from the keyboard

    map.on("popupopen", function (e) {
      var close = e.popup._closeButton;
      if (close) { close.setAttribute("aria-label", t("close")); close.title = t("close"); }
      var owner = e.popup._source;
      if (owner && owner.fmKeyboard) {
        owner.fmKeyboard = false;
        var content = e.popup.getElement().querySelector(".fm-popup");
        if (content) {
          content.tabIndex = -1;
          content.focus({ preventScroll: true });
        }
      }
    });
    map.on("popupclose", function (e) {
      var owner = e.popup._source;
      var box = e.popup.getElement();
      // Closed from inside it (its button, Escape): the focus goes back to the marker.
      // (Leaflet fades the popup out: it is still in the page for a moment.)
      window.setTimeout(function () {
        var active = document.activeElement;
        if (owner && owner._icon && (!active || active === document.body
            || !document.body.contains(active) || (box && box.contains(active)))) {
          owner._icon.focus({ preventScroll: true });
        }
      }, 0);
    });
    container.addEventListener("keydown", function (e) {
      if (e.key !== "Escape" || !map._popup || !map.hasLayer(map._popup)) { return; }
      var owner = map._popup._source;
      e.preventDefault();
      e.stopPropagation();
      map.closePopup();
      if (owner && owner._icon) { owner._icon.focus({ preventScroll: true }); }
    }, true);

    function openMarker(marker, viaKeyboard) {
      marker.fmKeyboard = !!viaKeyboard;
      if (marker.getPopup()) {
        if (marker.isPopupOpen()) {
          if (viaKeyboard) {
            var content = marker.getPopup().getElement().querySelector(".fm-popup");
            if (content) { content.tabIndex = -1; content.focus({ preventScroll: true }); }
          }
        } else {
          marker.openPopup();
        }
        return;
      }
      loadPopup(marker);
    }

    function loadPopup(marker) {
      if (marker.fmLoading) { return; }
      marker.fmLoading = true;
      var node = el("div", "fm-popup");
      // Open once the content is there, so that Leaflet pans the map to fit it once and
      // the popup does not move under a finger; meanwhile the marker shows it is loading.
      var mark = marker.getElement && marker.getElement();
      if (mark) { mark.classList.add("fm-marker--loading"); mark.setAttribute("aria-busy", "true"); }
      function show(ok) {
        if (mark) { mark.classList.remove("fm-marker--loading"); mark.removeAttribute("aria-busy"); }
        marker.fmLoading = false;
        // Fit the popup in the map, on a phone too (controls sit in the top-left corner).
        var size = map.getSize();
        var width = Math.max(140, Math.min(300, size.x - 116));  // content + margins + padding
        var options = { maxWidth: width, minWidth: Math.min(200, width),
                        maxHeight: Math.max(150, Math.min(320, size.y - 90)),
                        autoPanPaddingTopLeft: [48, 10], autoPanPaddingBottomRight: [10, 10] };
        if (!marker._map) { return; }                  // drawn away meanwhile
        if (ok) {
          marker.bindPopup(node, options).openPopup();
        } else {                                       // not kept: the next try loads again
          var popup = L.popup(options).setLatLng(marker.getLatLng()).setContent(node);
          popup._source = marker;
          popup.openOn(map);
        }
      }
      details.get(marker.fmIds).then(function (list) {
        W.fill(node, list, config);
        show(true);
      }, function () {
        node.textContent = "";
        node.appendChild(el("p", "fm-popup__error", t("detailsError")));
        show(false);
      });
    }

    function openCluster(row, viaKeyboard) {
      var bounds = L.latLngBounds([row[3], row[4]], [row[5], row[6]]);
      var zoom = Math.min(map.getMaxZoom(), Math.max(map.getZoom() + 1,
        map.getBoundsZoom(bounds.pad(0.1))));
      announcer.textContent = t("clusterZoomed", { n: W.number(row[2]) });
      focusAfterZoom = viaKeyboard ? bounds.pad(0.1) : null;
      map.setView(bounds.getCenter(), zoom);
    }

    // Enter and Space activate (a role="button" element must), from the first press.
    function onKey(item, activate) {
      return function (e) {
        if (e.key === "Enter" || e.key === " " || e.key === "Spacebar") {
          e.preventDefault();
          e.stopPropagation();
          activate(item, true);
        }
      };
    }

    function nameIcon(marker, name) {
      var node = marker.getElement();
      if (node) {
        node.setAttribute("aria-label", name);
        node.addEventListener("keydown", onKey(marker, marker.fmCluster ? function () {
          openCluster(marker.fmCluster, true);
        } : openMarker));
      }
    }

    function markerLayer(row) {
      var ids = Array.isArray(row[4]) ? row[4] : [row[4]];
      var name = W.markerName(row, config);
      var m = L.marker([row[0], row[1]], {
        icon: icon(row[2], row[3], ids.length > 1), title: name, keyboard: true,
        riseOnHover: true
      });
      m.fmIds = ids;
      m.on("click", function () { if (!m.getPopup()) { openMarker(m, false); } });
      m.on("add", function () { nameIcon(m, name); });
      return m;
    }

    function clusterLayer(row) {
      var name = t("cluster", { n: W.number(row[2]) });
      var m = L.marker([row[0], row[1]], { icon: clusterIcon(row[2]), title: name,
                                           keyboard: true, riseOnHover: true });
      m.fmCluster = row;
      m.on("click", function () { openCluster(row, false); });
      m.on("add", function () { nameIcon(m, name); });
      return m;
    }

    function draw(data) {
      details.setUrl(data.details);
      var wanted = {};
      var rows = (data.markers || []).concat(data.nearest || []);
      rows.forEach(function (row) {
        var ids = Array.isArray(row[4]) ? row[4] : [row[4]];
        wanted["m" + ids.join(",")] = row;
      });
      (data.clusters || []).forEach(function (row) {
        wanted["c" + row.slice(0, 3).join(",")] = row;
      });
      // The marker whose popup is open stays while the map redraws around it (a view's
      // clusters may group it otherwise): the popup being read never vanishes.
      var reading = map._popup && map.hasLayer(map._popup) ? map._popup._source : null;
      Object.keys(shown).forEach(function (key) {
        if (!wanted[key] && shown[key] !== reading) {
          layer.removeLayer(shown[key]);
          delete shown[key];
        }
      });
      Object.keys(wanted).forEach(function (key) {
        if (!shown[key]) {
          shown[key] = key.charAt(0) === "c" ? clusterLayer(wanted[key]) : markerLayer(wanted[key]);
          layer.addLayer(shown[key]);
        }
      });
      readingOrder();
      if (status) { status.textContent = W.statusText(data, L.Browser.mobile); }
      if (focusAfterZoom) {
        var target = firstIn(focusAfterZoom);
        focusAfterZoom = null;
        if (target) { target.focus({ preventScroll: true }); }
      }
    }

    // Tab goes through the places as one reads the map: top to bottom, left to right.
    function readingOrder() {
      var items = Object.keys(shown).map(function (k) { return shown[k]; })
        .filter(function (m) { return m._icon; });
      items.sort(function (a, b) {
        var pa = map.latLngToLayerPoint(a.getLatLng()), pb = map.latLngToLayerPoint(b.getLatLng());
        return Math.round(pa.y / 20) - Math.round(pb.y / 20) || pa.x - pb.x;
      });
      var active = document.activeElement;
      var pane = map.getPane("markerPane");
      var current = Array.prototype.filter.call(pane.children, function (n) {
        return n.classList.contains("fm-marker") || n.classList.contains("fm-cluster");
      });
      var same = current.length === items.length && items.every(function (m, i) {
        return current[i] === m._icon;
      });
      if (same) { return; }
      items.forEach(function (m) { pane.appendChild(m._icon); });
      if (active && active !== document.activeElement && document.body.contains(active)) {
        active.focus({ preventScroll: true });
      }
    }

    function firstIn(bounds) {
      var pane = map.getPane("markerPane");
      var found = null;
      Array.prototype.some.call(pane.children, function (node) {
        var key = Object.keys(shown).filter(function (k) { return shown[k]._icon === node; })[0];
        if (key && bounds.contains(shown[key].getLatLng())) { found = node; }
        return !!found;
      });
      return found;
    }

    if (config.places) {
      var inline = config.places;
      draw({ markers: (inline.markers || []).map(function (row) {
        var ids = Array.isArray(row[4]) ? row[4] : [row[4]];
        return row.length > 5 ? row : row.concat([ids.map(function (i) {
          return (inline.details[i] || {}).name || "";
        }).filter(Boolean), ""]);
      }), count: inline.count, approx: inline.approx, meeting: inline.meeting });
      return;
    }

    var views = {};
    var order = [];
    var current = null;
    var pending = null;
    var failed = false;
    var sent = config.views || [];

    // The places of a view that came with the page: one whose zoom is this view's and
    // whose tiles hold this view's tiles.
    function sentFor(view) {
      for (var i = 0; i < sent.length; i++) {
        var z = sent[i][0], t = sent[i][1], v = view.tiles;
        if (z === view.z && t[0] <= v[0] && t[1] <= v[1] && v[2] <= t[2] && v[3] <= t[3]) {
          return sent[i][2];
        }
      }
      return null;
    }

    function update() {
      var view = viewTiles(map, config.maxTiles);
      if (current === view.key) { return; }
      current = view.key;
      var known = views[view.key] || sentFor(view);
      if (known) { draw(known); return; }
      if (pending && pending.abort) { pending.abort(); }
      var control = window.AbortController ? new AbortController() : null;
      pending = control;
      var sep = config.data.indexOf("?") < 0 ? "?" : "&";
      var url = config.data + sep + "z=" + view.z + "&tiles=" + view.tiles.join(",");
      if (status && !status.textContent) { status.textContent = t("loading"); }
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin",
                   signal: control ? control.signal : undefined })
        .then(function (r) {
          if (!r.ok) { throw new Error("HTTP " + r.status); }
          return r.json();
        })
        .then(function (data) {
          views[view.key] = data;
          order.push(view.key);
          if (order.length > CACHE_VIEWS) { delete views[order.shift()]; }
          if (current === view.key) { draw(data); }
          if (failed && status) { status.classList.remove("finder-map__status--error"); }
          failed = false;
        })
        .catch(function (err) {
          if (err && err.name === "AbortError") { return; }
          if (current === view.key) { current = null; }   // the next move tries again
          failed = true;
          if (status) {
            status.textContent = t("loadError");
            status.classList.add("finder-map__status--error");
          }
        });
    }

    map.on("moveend", update);
    update();
  }

  // The three files load async (mapview.py): this one may run before Leaflet or
  // finder-map-words.js. The page's maps wait for all three (mapview.py's inline script):
  // start them once the other two are there too.
  function whenReady(run) {
    var waiting = [[window.L, "script[data-leaflet]"],
                   [window.FinderMapWords, "script[data-map-words]"]]
      .filter(function (part) { return !part[0]; })
      .map(function (part) { return document.querySelector(part[1]); });
    var left = waiting.length;
    if (!left) { run(); return; }
    waiting.forEach(function (tag) {
      if (tag) { tag.addEventListener("load", function () { if (--left === 0) { run(); } }); }
    });
  }
  whenReady(function () {
    W = window.FinderMapWords;
    window.FinderMap = { attach: attach };
    (window.FinderMapQueue || []).splice(0).forEach(function (start) { start(); });
  });
})();
