/* The map: our own polygons shaded by a measure, ticket points clustered.
 * No tiles unless the server names a tile URL (MINSHENG_TILE_URL). */
(function () {
  "use strict";

  var VOLUME = ["#e3eefa", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
  var RATE = ["#d73027", "#fc8d59", "#fee08b", "#d9ef8b", "#91cf60", "#1a9850"];

  function esc(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function breaks(values, measure) {
    if (measure === "satisfaction") { return [50, 60, 70, 80, 90]; }
    // Quantile breaks: a few busy streets must not wash every other one out.
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    var steps = [];
    for (var i = 1; i <= 5 && sorted.length; i++) {
      steps.push(Math.max(1, sorted[Math.floor(sorted.length * i / 6)]));
    }
    return steps.filter(function (v, j, a) { return a.indexOf(v) === j; });
  }

  function colour(value, steps, measure) {
    if (value === null || value === undefined) { return "#ffffff"; }  // drawn hollow
    var palette = measure === "satisfaction" ? RATE : VOLUME;
    for (var i = 0; i < steps.length; i++) { if (value < steps[i]) { return palette[i]; } }
    return palette[palette.length - 1];
  }

  function legend(el, steps, measure, labels) {
    var palette = measure === "satisfaction" ? RATE : VOLUME;
    var unit = measure === "satisfaction" ? "%" : "";
    var html = "<strong>" + esc(labels[measure]) + "</strong>";
    var from = measure === "satisfaction" ? 0 : 0;
    steps.forEach(function (s, i) {
      html += '<span><span class="swatch" style="background:' + palette[i] + '"></span> ' +
        from + unit + "–" + s + unit + "</span>";
      from = s;
    });
    html += '<span><span class="swatch" style="background:' + palette[palette.length - 1] +
      '"></span> ≥' + from + unit + "</span>";
    html += '<span><span class="swatch" style="background:#fff"></span> ' + esc(labels.none) + "</span>";
    el.innerHTML = html;
  }

  function start() {
    var el = document.getElementById("map");
    if (!el || !window.L) { return; }
    var measure = el.dataset.measure;
    var labels = { volume: el.dataset.labelVolume, satisfaction: el.dataset.labelSatisfaction,
      none: el.dataset.labelNone, open: el.dataset.labelOpen, hotspot: el.dataset.labelHotspot };
    // Canvas keeps a few thousand polygons fast; markers stay DOM for the clustering plugin.
    var map = window.L.map(el, { preferCanvas: true, zoomSnap: 0.5, minZoom: 8, maxZoom: 18 });
    map.attributionControl.setPrefix(false);
    map.setView([26.07, 119.30], 11);
    if (el.dataset.tileUrl) {
      window.L.tileLayer(el.dataset.tileUrl, { maxZoom: 19 }).addTo(map);
    }
    var status = document.getElementById("map-status");

    fetch(el.dataset.areasUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (geo) {
        if (!geo.features) { return; }
        var values = geo.features.map(function (f) { return f.properties.value; })
          .filter(function (v) { return v !== null && v !== undefined; });
        var steps = breaks(values, measure);
        var layer = window.L.geoJSON(geo, {
          style: function (f) {
            var empty = f.properties.value === null || f.properties.value === undefined;
            return { color: "#4a5a70", weight: 1, fillOpacity: empty ? 0.15 : 0.7,
              dashArray: empty ? "3 3" : null,
              fillColor: colour(f.properties.value, steps, measure) };
          },
          onEachFeature: function (f, lyr) {
            var v = f.properties.value;
            var shown = v === null || v === undefined ? labels.none :
              (measure === "satisfaction" ? v + "%" : v);
            lyr.bindTooltip(esc(f.properties.name) + "：" + esc(shown), { sticky: true });
          }
        }).addTo(map);
        if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { padding: [10, 10] }); }
        legend(document.getElementById("map-legend"), steps, measure, labels);
      });

    fetch(el.dataset.pointsUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (!data.points) { return; }
        var dot = window.L.divIcon({ className: "ticket-dot", iconSize: [12, 12] });
        var cluster = window.L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 });
        data.points.forEach(function (p) {
          var marker = window.L.marker([p.lat, p.lon], { icon: dot, title: p.number });
          marker.bindPopup("<strong>" + esc(p.number) + "</strong><br>" + esc(p.category) +
            "<br>" + esc(p.status) + '<br><a href="' + esc(p.url) + '">' + esc(labels.open) + "</a>");
          cluster.addLayer(marker);
        });
        map.addLayer(cluster);
        // The strongest hotspots, numbered by rank: the month's top one is "1".
        (data.hotspots || []).forEach(function (h) {
          var icon = window.L.divIcon({ className: "hotspot-marker", html: String(h.rank),
                                        iconSize: [28, 28] });
          window.L.marker([h.lat, h.lon], { icon: icon, title: h.title, zIndexOffset: 1000 })
            .bindPopup("<strong>" + esc(labels.hotspot) + " " + h.rank + "</strong><br>" +
              esc(h.title) + "<br>" + esc(h.kind) + " · " + h.size + '<br><a href="' +
              esc(h.url) + '">' + esc(labels.open) + "</a>")
            .addTo(map);
        });
        if (status) { status.textContent = el.dataset.labelCount.replace("{n}", data.points.length); }
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
