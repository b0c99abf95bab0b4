/* Maps for 一组一会+ (Leaflet, vendored). No inline script: every map is a <div data-map="…">
   configured by data attributes. Without a tile server only the unit boundaries are drawn. */
(function () {
  "use strict";
  var DEFAULT_VIEW = [[30.5, 117.3], [30.8, 117.7]];
  // Leaflet finds its marker images from leaflet.css's url(images/marker-icon.png); the manifest
  // storage renames them (marker-icon.<hash>.png), so the pins showed a broken image. The script
  // tag carries their static URLs instead.
  var me = document.currentScript;
  if (me && me.dataset.markerIcon) {
    L.Icon.Default.imagePath = "";
    L.Icon.Default.mergeOptions({ imagePath: "", iconUrl: me.dataset.markerIcon,
      iconRetinaUrl: me.dataset.markerIcon2x, shadowUrl: me.dataset.markerShadow });
  }

  function baseMap(el) {
    var map = L.map(el, { zoomControl: true, maxZoom: 18, attributionControl: !!el.dataset.tiles });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, {
        subdomains: el.dataset.tileSubdomains || "abc", maxZoom: 18,
        attribution: el.dataset.tileAttribution || ""
      }).addTo(map);
    }
    map.fitBounds(DEFAULT_VIEW);
    return map;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); });
  }

  function drawBoundaries(map, url, style) {
    return getJSON(url).then(function (res) {
      var layer = L.geoJSON(res.body, {
        style: style || function () { return { color: "#3568a8", weight: 1, fillOpacity: 0.05 }; },
        onEachFeature: function (f, l) { l.bindTooltip(f.properties.name, { sticky: true }); }
      }).addTo(map);
      if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { maxZoom: 17 }); }
      return layer;
    });
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // Pins from either form: GeoJSON (the public board) or the worklist's compact form
  // {"scale", "labels", "p": [id, lat·scale, long·scale, status·2 + overdue, title, …]}.
  var PIN_STRIDE = 5;
  function pinsOf(body) {
    var out = [], i;
    if (body.type === "FeatureCollection") {
      (body.features || []).forEach(function (f) {
        var c = f.geometry.coordinates;
        out.push({ lat: c[1], lng: c[0], t: f.properties.t, s: f.properties.s, o: f.properties.o, id: f.properties.id });
      });
      return out;
    }
    var p = body.p || [], scale = body.scale || 1;
    for (i = 0; i + PIN_STRIDE <= p.length; i += PIN_STRIDE) {
      out.push({ id: p[i], lat: p[i + 1] / scale, lng: p[i + 2] / scale,
                 s: body.labels[p[i + 3] >> 1], o: (p[i + 3] & 1) === 1, t: p[i + 4] });
    }
    return out;
  }

  function pointsMap(el) {
    var map = baseMap(el);
    var count = document.querySelector("[data-testid=map-count]");
    drawBoundaries(map, el.dataset.boundaries).then(function () { return getJSON(el.dataset.points); }).then(function (res) {
      var cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
      var markers = pinsOf(res.body).map(function (pin) {
        var m = L.marker([pin.lat, pin.lng], { title: pin.t });
        var html = escapeHtml(pin.t) + "<br>" + escapeHtml(pin.s) +
          (pin.o ? " · <b>" + escapeHtml(el.dataset.overdue) + "</b>" : "");
        if (pin.id && el.dataset.detail) {
          html = '<a href="' + el.dataset.detail.replace("/0/", "/" + pin.id + "/") + '">' + html + "</a>";
        }
        m.bindPopup(html);
        if (pin.o) { m.on("add", function () { if (m._icon) { m._icon.classList.add("pin-overdue"); } }); }
        return m;
      });
      cluster.addLayers(markers);
      map.addLayer(cluster);
      if (count) {  // "12 matters on the map", not a bare number
        count.textContent = markers.length ? (count.dataset.label || "{n}").replace("{n}", markers.length)
                                           : (count.dataset.empty || "0");
        count.dataset.count = markers.length;
      }
      el.dataset.ready = "1";
    });
  }

  function pickMap(el) {
    var map = baseMap(el);
    var lat = document.getElementById("pick-lat"), lng = document.getElementById("pick-long");
    var status = document.getElementById("pick-status");
    var marker = null;
    function choose(latlng) {
      lat.value = latlng.lat.toFixed(6); lng.value = latlng.lng.toFixed(6);
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
      getJSON(el.dataset.locate + "?lat=" + lat.value + "&long=" + lng.value).then(function (res) {
        status.textContent = res.ok ? res.body.name : res.body.error;
        status.dataset.ok = res.ok ? "1" : "0";
        if (!res.ok) { lat.value = ""; lng.value = ""; }
      });
    }
    map.on("click", function (e) { choose(e.latlng); });
    document.getElementById("pick-here").addEventListener("click", function () {
      if (!navigator.geolocation) { status.textContent = el.dataset.hereFailed; return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        var ll = L.latLng(pos.coords.latitude, pos.coords.longitude);
        map.setView(ll, 17); choose(ll);
      }, function () { status.textContent = el.dataset.hereFailed; }, { enableHighAccuracy: true, timeout: 10000 });
    });
    drawBoundaries(map, el.dataset.boundaries).then(function () { el.dataset.ready = "1"; });
  }

  var COLOURS = ["#d73027", "#fc8d59", "#fee08b", "#d9ef8b", "#91cf60", "#1a9850"];
  function colour(measure, v) {
    if (v === undefined) { return "#cccccc"; }
    if (measure === "overdue") {  // counts: more is worse
      var steps = [0, 1, 3, 6, 10];
      for (var i = steps.length - 1; i >= 0; i--) { if (v >= steps[i]) { return COLOURS[steps.length - i]; } }
    }
    return COLOURS[Math.min(5, Math.floor(v * 6))];  // shares: higher is better
  }

  function choroplethMap(el) {
    var map = baseMap(el), measure = el.dataset.measure;
    getJSON(el.dataset.values).then(function (res) {
      var values = res.body.values || {};
      return drawBoundaries(map, el.dataset.boundaries, function (f) {
        return { color: "#555", weight: 0.5, fillOpacity: 0.75, fillColor: colour(measure, values[String(f.id)]) };
      }).then(function (layer) {
        layer.eachLayer(function (l) {
          var v = values[String(l.feature.id)];
          var shown = v === undefined ? el.dataset.none : (measure === "overdue" ? v : (v * 100).toFixed(1) + "%");
          l.bindTooltip(l.feature.properties.name + ": " + shown, { sticky: true });
        });
        var legend = L.control({ position: "bottomright" });
        legend.onAdd = function () {
          var div = L.DomUtil.create("div", "legend");
          div.innerHTML = "<b>" + escapeHtml(el.dataset.label) + "</b><br>" + (measure === "overdue"
            ? ["0", "1–2", "3–5", "6–9", "10+"].map(function (t, i) { return '<i style="background:' + COLOURS[5 - i] + '"></i>' + t; }).join("<br>")
            : ["<17%", "17–33%", "33–50%", "50–67%", "67–83%", "≥83%"].map(function (t, i) { return '<i style="background:' + COLOURS[i] + '"></i>' + t; }).join("<br>"));
          return div;
        };
        legend.addTo(map);
        el.dataset.ready = "1";
      });
    });
  }

  document.querySelectorAll("[data-map]").forEach(function (el) {
    if (el.dataset.map === "points") { pointsMap(el); }
    else if (el.dataset.map === "pick") { pickMap(el); }
    else if (el.dataset.map === "choropleth") { choroplethMap(el); }
  });
})();
