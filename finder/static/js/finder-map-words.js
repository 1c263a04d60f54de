/* What the map says, for finder-map.js (loaded with it, async; it waits for this file): the
 * words of the page, a popup's content built from a place's details, a mark's name, the
 * status line.
 *
 * window.FinderMapWords = {
 *   say(key, vars)        the page's sentence `key` (partials/map_strings.html, the data-*
 *                         attributes of #finder-map-strings), its {name} holes filled;
 *   el(tag, class, text)  a new element, its text set as text;
 *   fill(node, details, config)  the popup's content for these places' details;
 *   Details(config)       the details of places: {setUrl(url), get(ids) -> Promise}, from
 *                         the details route (GET …/details.json?ids=1,2), kept once got,
 *                         or from config.places.details on a group page;
 *   markerName(row, config)  what a marker is, said ("Alzheimer Café de Laeken, Laeken");
 *   number(n), statusText(data, mobile), escapeHtml(text).
 * }
 * Everything taken from the data is written with textContent or checked before it
 * becomes a link: names like "<img src=x onerror=alert(1)>" stay text.
 */
(function () {
  "use strict";

  var framed = (function () {
    try { return window.self !== window.top; } catch (e) { return true; }
  })();
  var S = null;

  function strings() {
    if (!S) {
      var node = document.getElementById("finder-map-strings");
      S = node ? node.dataset : {};
    }
    return S;
  }

  function t(key, vars) {
    var text = strings()[key] || "";
    return text.replace(/\{(\w+)\}/g, function (m, name) {
      return vars && vars[name] !== undefined ? String(vars[name]) : m;
    });
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
    p.appendChild(el("span", "fm-popup__label", label + t("labelSep")));
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

  var headingCount = 0;

  function detailNode(d, config, demoSaid) {
    var box = el("section", "fm-popup__group");
    if (d.demo && !demoSaid) { box.appendChild(el("p", "fm-popup__demo", t("demoOne"))); }
    var heading = el("h3", "fm-popup__name", d.name);
    heading.id = "fm-popup-name-" + (++headingCount);
    box.appendChild(heading);
    var chapter = el("p", "fm-popup__chapter");
    var key = el("span", "fm-key " + (d.chapter >= 0 ? "fm-c" + d.chapter : "fm-mixed"));
    key.setAttribute("aria-hidden", "true");
    chapter.appendChild(key);
    chapter.appendChild(document.createTextNode(d.chapter_title || ""));
    box.appendChild(chapter);
    if (d.next) { box.appendChild(el("p", "fm-popup__next", d.next)); }
    if (d.caveat) { box.appendChild(el("p", "fm-popup__caveat", t("toCheck", { text: d.caveat }))); }
    if (d.schedule) { line(box, t("schedule"), d.schedule); }
    if (d.schedule_note) { box.appendChild(el("p", "fm-popup__schedule-note", d.schedule_note.charAt(0).toUpperCase() + d.schedule_note.slice(1) + ".")); }
    if (d.address) { line(box, t("address"), d.address); }
    if (d.approx) { box.appendChild(el("p", "fm-popup__approx", d.approx)); }
    if (d.phone) {
      var tel = d.phone.replace(/[^\d+]/g, "");
      line(box, t("phone"), tel ? link("tel:" + tel, d.phone) : d.phone);
    }
    if (d.email) { line(box, t("email"), link("mailto:" + d.email, d.email)); }
    if (d.website && /^https?:\/\//i.test(d.website)) {
      line(box, t("site"), link(d.website, hostOf(d.website), true));
    }
    if (config.groupLinks && isLocalPath(d.url)) {
      var more = el("p", "fm-popup__more");
      more.appendChild(link(d.url, t("groupPage")));
      box.appendChild(more);
    }
    return box;
  }

  function fillPopup(node, details, config) {
    node.textContent = "";
    var allDemo = details.length > 1 && details.every(function (d) { return d.demo; });
    if (details.length > 1) {
      node.appendChild(el("p", "fm-popup__count", t("groupsHere", { n: details.length })));
    }
    if (allDemo) { node.appendChild(el("p", "fm-popup__demo", t("demoMany"))); }
    details.forEach(function (d) { node.appendChild(detailNode(d, config, allDemo)); });
    // The popup is a dialog named by its first group: focus lands in it from the keyboard.
    var first = node.querySelector(".fm-popup__name");
    node.setAttribute("role", "dialog");
    if (first) { node.setAttribute("aria-labelledby", first.id); }
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

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  // What a marker is, said: "Alzheimer Café de Laeken, Laeken — emplacement approximatif".
  function markerName(row, config) {
    var names = row[5] || [];
    var n = Array.isArray(row[4]) ? row[4].length : 1;
    var what;
    if (!names.length) {
      what = row[2] >= 0 ? (config.chapters[row[2]] || "") : t("severalChapters");
    } else if (names.length === 1 && n === 1) {
      what = names[0];
    } else {
      var shown = names.slice(0, 3).join(" ; ");
      if (names.length > 3) { shown += " " + t("moreNames", { n: names.length - 3 }); }
      what = t("markerMany", { n: Math.max(n, names.length), names: shown });
    }
    if (row[6]) { what += ", " + row[6]; }
    if (row[3]) { what += t("approx"); }
    return what;
  }

  function number(n) {            // 20 000, with a narrow no-break space
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
  }

  // As the list counts: a registered office, a postal or a contact address is on the map
  // but is no "lieu de réunion" (pages._counted says the same words).
  function countText(n, meeting) {
    if (meeting >= n) { return t(n > 1 ? "statusMany" : "statusOne", { n: number(n) }); }
    if (n === 1) { return t("statusAddress"); }
    if (!meeting) { return t("statusAddressesNone", { n: number(n) }); }
    if (meeting === 1) { return t("statusAddressesOne", { n: number(n) }); }
    return t("statusAddresses", { n: number(n), m: number(meeting) });
  }

  function statusText(data, mobile) {
    var n = data.count || 0;
    var text;
    if (!n && data.nearest && data.nearest.length) {
      text = t("statusNearest");
    } else if (!n) {
      text = t("statusNone");
    } else {
      text = countText(n, data.meeting === undefined ? n : data.meeting);
      if (data.approx) { text += t("statusApprox", { n: number(data.approx) }); }
      text += ".";
    }
    if (mobile) { text += " " + t("twoFingers"); }
    return text;
  }

  window.FinderMapWords = { say: t, el: el, fill: fillPopup, Details: Details,
                            markerName: markerName, number: number, statusText: statusText,
                            escapeHtml: escapeHtml };
})();
