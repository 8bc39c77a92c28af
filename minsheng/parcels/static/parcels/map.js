/* The parcel network on our own outline: hub, stations, villages coloured by today's chain,
 * bus lines as spokes. No tiles: the county outline is the background. */
(function () {
  "use strict";

  var COLOURS = { van: "#3182bd", bus: "#e6550d", deferred: "#cb181d", "": "#969696" };

  function esc(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function draw(el, data) {
    var L = window.L;
    var d = el.dataset;
    var map = L.map(el, { preferCanvas: true, attributionControl: true });
    map.attributionControl.addAttribution("县界 © Vonng/adcode (CC BY 4.0)");
    var bounds = [];
    if (data.outline && data.outline.length) {
      var ring = data.outline.map(function (p) { return [p[1], p[0]]; });
      L.polygon(ring, { color: "#555", weight: 1, fillColor: "#fff", fillOpacity: 0.9 }).addTo(map);
      bounds = ring;
    }
    data.lines.forEach(function (line) {
      L.polyline(line.path, {
        color: line.cancelled ? "#cb181d" : "#756bb1", weight: 3, opacity: 0.7,
        dashArray: line.cancelled ? "6 6" : null
      }).bindTooltip(esc(line.id + " " + (line.name || ""))).addTo(map);
    });
    data.villages.forEach(function (v) {
      L.circleMarker([v.lat, v.lon], {
        radius: 3, color: COLOURS[v.main] || COLOURS[""], weight: 1, fillOpacity: 0.9
      }).bindTooltip(esc(v.id + " " + (v.name || "") + " " + d.labelDown + " " + v.down + " · " + d.labelUp + " " + v.up)).addTo(map);
      bounds.push([v.lat, v.lon]);
    });
    data.stations.forEach(function (s) {
      L.circleMarker([s.lat, s.lon], { radius: 6, color: "#222", weight: 2, fillColor: "#fdae6b", fillOpacity: 1 })
        .bindTooltip(esc(d.labelStation + " " + s.id + " " + (s.name || "") + " · " + d.labelCapacity + " " + s.capacity)).addTo(map);
    });
    L.circleMarker([data.hub.lat, data.hub.lon], { radius: 9, color: "#000", weight: 2, fillColor: "#31a354", fillOpacity: 1 })
      .bindTooltip(esc(d.labelHub + " " + (data.hub.name || ""))).addTo(map);
    bounds.push([data.hub.lat, data.hub.lon]);
    map.fitBounds(bounds, { padding: [10, 10] });
  }

  function drawSite(el, data) {
    var L = window.L;
    var map = L.map(el, { preferCanvas: true });
    map.attributionControl.addAttribution("县界 © Vonng/adcode (CC BY 4.0)");
    var bounds = [];
    if (data.outline && data.outline.length) {
      var ring = data.outline.map(function (p) { return [p[1], p[0]]; });
      L.polygon(ring, { color: "#555", weight: 1, fillColor: "#fff", fillOpacity: 0.9 }).addTo(map);
      bounds = ring;
    }
    var at = {};
    data.stations.forEach(function (s) { at[s.id] = [s.lat, s.lon]; });
    data.villages.forEach(function (v) {
      if (at[v.to]) {
        L.polyline([[v.lat, v.lon], at[v.to]], { color: "#756bb1", weight: 1, opacity: 0.6 }).addTo(map);
      }
      L.circleMarker([v.lat, v.lon], { radius: 3, color: "#3182bd", weight: 1, fillOpacity: 0.9 })
        .bindTooltip(esc(v.id + " → " + v.to)).addTo(map);
      bounds.push([v.lat, v.lon]);
    });
    data.stations.forEach(function (s) {
      L.circleMarker([s.lat, s.lon], { radius: 6, color: "#222", weight: 2, fillColor: "#fdae6b", fillOpacity: 1 })
        .bindTooltip(esc(s.id)).addTo(map);
    });
    L.circleMarker([data.hub.lat, data.hub.lon], { radius: 9, color: "#000", weight: 2, fillColor: "#31a354", fillOpacity: 1 })
      .bindTooltip(esc(data.hub.name || "")).addTo(map);
    bounds.push([data.hub.lat, data.hub.lon]);
    map.fitBounds(bounds, { padding: [10, 10] });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("parcels-map");
    if (!el || !window.L) { return; }
    if (el.dataset.site) {
      var source = document.getElementById(el.dataset.site);
      if (source) { drawSite(el, JSON.parse(source.textContent)); }
      return;
    }
    fetch(el.dataset.url, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { draw(el, data); });
  });
})();
