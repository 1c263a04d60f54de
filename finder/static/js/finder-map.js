/* Places on the finder's maps (the skeleton is built by finder/mapview.py with Folium).
 *
 * FinderMap.attach(map, config) is called by the page's one inline script with the Leaflet
 * map and:
 *   data        URL of the places (GET /carte/lieux.json?<search>), or
 *   places      the places inline (group page): {markers, details, count, approx};
 *   origin      [lat, lon] of the search origin or null; fitZoom: closest zoom when fitting;
 *   cluster     group nearby markers (Leaflet.markercluster);
 *   groupLinks  popups link to the group's page;
 *   attribution HTML (ours, escaped) added to the map's attribution;
 *   chapters    chapter titles, by index.
 * A marker row is [lat, lon, chapter index (-1: several), approximate (0/1), ids]; ids is
 * one place id or a list (several groups at one point). Popup details come from
 * data.details (URL, ?ids=1,2) or from places.details (indexes).
 *
 * Everything taken from the data is written with textContent or checked before it
 * becomes a link: names like "<img src=x onerror=alert(1)>" stay text.
 */
(function () {
  "use strict";

  var ICONS = {};
  var framed = (function () {
    try { return window.self !== window.top; } catch (e) { return true; }
  })();

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

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function link(href, text, external) {
    var a = el("a", null, text);
    a.href = href;
    if (external || framed) {
      a.target = "_blank";
      a.rel = "noopener noreferrer";
    }
    return a;
  }

  function line(parent, label, value) {
    var p = el("p", "fm-popup__line");
    p.appendChild(el("span", "fm-popup__label", label + "\u00a0: "));
    if (typeof value === "string") {
      p.appendChild(document.createTextNode(value));
    } else {
      p.appendChild(value);
    }
    parent.appendChild(p);
  }

  function isLocalPath(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/"
      && url.charAt(1) !== "\\";
  }

  function hostOf(url) {
    var m = /^https?:\/\/([^\/?#]+)/i.exec(url);
    return m ? m[1].replace(/^www\./i, "") : url;
  }

  function detailNode(d, config, demoSaid) {
    var box = el("section", "fm-popup__group");
    if (d.demo && !demoSaid) { box.appendChild(el("p", "fm-popup__demo", "Exemple (données de démonstration)")); }
    box.appendChild(el("h3", "fm-popup__name", d.name));
    var chapter = el("p", "fm-popup__chapter");
    var key = el("span", "fm-key " + (d.chapter >= 0 ? "fm-c" + d.chapter : "fm-mixed"));
    key.setAttribute("aria-hidden", "true");
    chapter.appendChild(key);
    chapter.appendChild(document.createTextNode(d.chapter_title || ""));
    box.appendChild(chapter);
    if (d.next) { box.appendChild(el("p", "fm-popup__next", d.next)); }
    if (d.caveat) { box.appendChild(el("p", "fm-popup__caveat", "À vérifier : " + d.caveat + ".")); }
    if (d.schedule) { line(box, "Horaire publié", d.schedule); }
    if (d.schedule_note) { box.appendChild(el("p", "fm-popup__schedule-note", d.schedule_note.charAt(0).toUpperCase() + d.schedule_note.slice(1) + ".")); }
    if (d.address) { line(box, "Adresse", d.address); }
    if (d.approx) { box.appendChild(el("p", "fm-popup__approx", d.approx)); }
    if (d.phone) {
      var tel = d.phone.replace(/[^\d+]/g, "");
      line(box, "Téléphone", tel ? link("tel:" + tel, d.phone) : d.phone);
    }
    if (d.email) { line(box, "Courriel", link("mailto:" + d.email, d.email)); }
    if (d.website && /^https?:\/\//i.test(d.website)) {
      line(box, "Site", link(d.website, hostOf(d.website), true));
    }
    if (config.groupLinks && isLocalPath(d.url)) {
      var more = el("p", "fm-popup__more");
      more.appendChild(link(d.url, "Voir la fiche du groupe"));
      box.appendChild(more);
    }
    return box;
  }

  function fillPopup(node, details, config) {
    node.textContent = "";
    var allDemo = details.length > 1 && details.every(function (d) { return d.demo; });
    if (details.length > 1) {
      node.appendChild(el("p", "fm-popup__count", details.length + " groupes à cet endroit"));
    }
    if (allDemo) { node.appendChild(el("p", "fm-popup__demo", "Exemples (données de démonstration)")); }
    details.forEach(function (d) { node.appendChild(detailNode(d, config, allDemo)); });
  }

  function Details(config) {
    var known = {};
    var url = null;
    return {
      setUrl: function (u) { url = isLocalPath(u) ? u : null; },
      get: function (ids) {
        if (config.places) {
          return Promise.resolve(ids.map(function (i) { return config.places.details[i]; }));
        }
        var missing = ids.filter(function (id) { return !known[id]; });
        if (!missing.length) {
          return Promise.resolve(ids.map(function (id) { return known[id]; }));
        }
        if (!url) { return Promise.reject(new Error("no details URL")); }
        var sep = url.indexOf("?") < 0 ? "?" : "&";
        return fetch(url + sep + "ids=" + missing.join(","), {
          headers: { Accept: "application/json" }, credentials: "same-origin"
        }).then(function (r) {
          if (!r.ok) { throw new Error("HTTP " + r.status); }
          return r.json();
        }).then(function (json) {
          (json.places || []).forEach(function (d) { known[d.id] = d; });
          var found = ids.map(function (id) { return known[id]; }).filter(Boolean);
          if (!found.length) { throw new Error("gone"); }
          return found;
        });
      }
    };
  }

  function markerTitle(row, config) {
    var n = Array.isArray(row[4]) ? row[4].length : 1;
    var title = row[2] >= 0 ? (config.chapters[row[2]] || "") : "Plusieurs chapitres";
    if (n > 1) { title += " — " + n + " groupes"; }
    if (row[3]) { title += " — emplacement approximatif"; }
    return title;
  }

  function onMarker(marker, map, config, details) {
    // Once bound, Leaflet opens and closes the popup itself.
    if (marker.getPopup() || marker.fmLoading) { return; }
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
      if (!marker._map) { return; }                  // clustered away meanwhile
      if (ok) {
        marker.bindPopup(node, options).openPopup();
      } else {                                       // not kept: the next tap tries again
        L.popup(options).setLatLng(marker.getLatLng()).setContent(node).openOn(map);
      }
    }
    details.get(marker.fmIds).then(function (list) {
      fillPopup(node, list, config);
      show(true);
    }, function () {
      node.textContent = "";
      node.appendChild(el("p", "fm-popup__error",
        "Les détails de ce lieu n’ont pas pu être chargés. Réessayez, ou consultez la liste."));
      show(false);
    });
  }

  function number(n) {            // 20 000, with a narrow no-break space
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
  }

  function statusText(data, mobile) {
    var n = data.count || 0;
    var text;
    if (!n && data.nearest && data.nearest.length) {
      text = "Aucun lieu de réunion dans le rayon choisi. La carte montre les plus proches.";
    } else if (!n) {
      text = "Aucun lieu de réunion à montrer sur la carte.";
    } else {
      text = "Carte\u00a0: " + number(n) + (n > 1 ? " lieux de réunion" : " lieu de réunion");
      if (data.approx) {
        text += ", dont " + number(data.approx) + " à l’emplacement approximatif";
      }
      text += ".";
    }
    if (mobile) { text += " Déplacez la carte avec deux doigts."; }
    return text;
  }

  function attach(map, config) {
    var container = map.getContainer();
    var id = container.id;
    var status = document.getElementById(id + "-status");
    var legend = document.getElementById(id + "-legend");
    var details = Details(config);
    var userMoved = false;

    L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
    if (config.attribution && map.attributionControl) {
      map.attributionControl.addAttribution(config.attribution);
    }
    // Open in the page (no shift of the list below on a wide screen); on a phone it
    // closes, so the list comes right after the map.
    if (legend && window.matchMedia && window.matchMedia("(max-width: 47.99em)").matches) {
      legend.open = false;
    }
    ["pointerdown", "wheel", "keydown", "touchstart"].forEach(function (type) {
      container.addEventListener(type, function () { userMoved = true; }, { passive: true });
    });
    // The wheel zooms the map only once it has been clicked or focused: scrolling the
    // page over the map keeps scrolling the page.
    map.on("focus click", function () { map.scrollWheelZoom.enable(); });
    map.on("blur", function () { map.scrollWheelZoom.disable(); });

    var layer = config.cluster && L.markerClusterGroup ? L.markerClusterGroup({
      chunkedLoading: true,
      showCoverageOnHover: false,
      maxClusterRadius: 50,
      spiderfyOnMaxZoom: true,
      iconCreateFunction: function (cluster) {
        // The number is of places, like the status line: a marker may hold several.
        var n = 0;
        cluster.getAllChildMarkers().forEach(function (m) { n += m.fmIds ? m.fmIds.length : 1; });
        var size = n >= 1000 ? 50 : n >= 100 ? 44 : 40;
        return L.divIcon({ html: "<span>" + Number(n) + "</span>",
                           className: "fm-cluster" + (n >= 100 ? " fm-cluster--big" : ""),
                           iconSize: [size, size] });
      }
    }) : L.featureGroup();
    layer.on("click", function (e) { onMarker(e.layer, map, config, details); });
    layer.addTo(map);

    function show(data) {
      details.setUrl(data.details);
      var rows = (data.markers || []).concat(data.nearest || []);
      var markers = rows.map(function (row) {
        var ids = Array.isArray(row[4]) ? row[4] : [row[4]];
        var m = L.marker([row[0], row[1]], {
          icon: icon(row[2], row[3], ids.length > 1),
          title: markerTitle(row, config),
          alt: markerTitle(row, config),
          keyboard: true,
          riseOnHover: true
        });
        m.fmIds = ids;
        return m;
      });
      if (layer.addLayers) { layer.addLayers(markers); } else { markers.forEach(function (m) { layer.addLayer(m); }); }
      if (status) { status.textContent = statusText(data, L.Browser.mobile && config.cluster); }
      if (markers.length && !userMoved) {
        var bounds = L.latLngBounds(rows.map(function (r) { return [r[0], r[1]]; }));
        if (config.origin) { bounds.extend(config.origin); }
        // Room above the places: their popups open upwards without moving the map much.
        var size = map.getSize();
        var side = Math.round(Math.min(40, size.x * 0.08));
        map.fitBounds(bounds, {
          paddingTopLeft: [side, Math.round(Math.min(160, size.y * 0.25))],
          paddingBottomRight: [side, Math.round(Math.min(40, size.y * 0.08))],
          maxZoom: config.fitZoom || 15
        });
      }
    }

    if (config.places) {
      show(config.places);
      return;
    }
    if (status) { status.textContent = "Chargement des lieux sur la carte…"; }
    fetch(config.data, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.json();
      })
      .then(show)
      .catch(function () {
        if (status) {
          status.textContent = "Les lieux n’ont pas pu être chargés sur la carte. "
            + "La liste des résultats reste complète.";
          status.classList.add("finder-map__status--error");
        }
      });
  }

  window.FinderMap = { attach: attach };
})();
