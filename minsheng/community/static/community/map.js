/* Stations on the map (OpenStreetMap tiles are not used: markers on a blank map, the nearest
 * first), and the "nearest to me" button of /m/community/. */
(function () {
  "use strict";

  function esc(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function draw(el, data) {
    var L = window.L;
    var buildings = data.buildings || [];
    if (!L || !(data.stations.length || buildings.length)) { return; }
    var map = L.map(el, { preferCanvas: true });
    var bounds = [];
    buildings.forEach(function (b) {
      L.circleMarker([b.lat, b.lon], { radius: 3, color: "#4d4d4d", weight: 1, fillOpacity: 0.6 })
        .bindTooltip(esc(b.name + " " + b.households + "户")).addTo(map);
      bounds.push([b.lat, b.lon]);
    });
    data.stations.forEach(function (s) {
      L.circleMarker([s.lat, s.lon], { radius: 6, color: "#b2182b", weight: 2, fillColor: "#f4a582", fillOpacity: 1 })
        .bindTooltip(esc(s.kind + " " + s.name + " " + (s.hours || ""))).addTo(map);
      bounds.push([s.lat, s.lon]);
    });
    if (el.dataset.lat) {
      var me = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
      L.circleMarker(me, { radius: 8, color: "#2166ac", weight: 3, fillOpacity: 0.3 }).addTo(map);
      map.setView(me, 15);
    } else {
      map.fitBounds(bounds, { padding: [10, 10] });
    }
  }

  var el = document.getElementById("community-map");
  if (el) {
    fetch(el.dataset.url, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { draw(el, data); });
  }
  var button = document.getElementById("locate");
  if (button && navigator.geolocation) {
    button.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        document.getElementById("near").value = pos.coords.latitude.toFixed(5) + "," + pos.coords.longitude.toFixed(5);
        document.getElementById("near-form").submit();
      });
    });
  }
}());
