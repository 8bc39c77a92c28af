/*
 * Step 2 of filing on the phone: tap the map to choose where the problem is.
 * The outlines come from our own district and street polygons; map tiles are drawn only when
 * the deployment names a tile server (MINSHENG_TILE_URL). The server locates the point again
 * when the form is sent, so this script only helps the resident see what they chose.
 */
(function () {
  'use strict';

  var box = document.querySelector('[data-map-box]');
  var el = document.querySelector('[data-map]');
  if (!box || !el || !window.L) { return; }
  var lon = document.getElementById('id_lon');
  var lat = document.getElementById('id_lat');
  var located = document.querySelector('[data-located]');
  var clear = document.querySelector('[data-map-clear]');
  box.hidden = false;

  // No zoom animation: it waits for CSS transitions, which reduced-motion settings switch off.
  var map = window.L.map(el, { attributionControl: false, zoomAnimation: false, fadeAnimation: false });
  var tiles = el.getAttribute('data-tile-url');
  if (tiles) { window.L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }
  map.setView([26.08, 119.30], 11);
  var marker = null;

  function show(text, isError) {
    located.textContent = text;
    located.classList.toggle('error', !!isError);
  }

  function place(latlng) {
    if (marker) { marker.setLatLng(latlng); } else {
      marker = window.L.circleMarker(latlng, {
        radius: 10, weight: 3, color: '#b3261e', fillColor: '#e8453c', fillOpacity: 0.9
      }).addTo(map);
    }
    clear.hidden = false;
  }

  function reset() {
    lon.value = '';
    lat.value = '';
    if (marker) { map.removeLayer(marker); marker = null; }
    clear.hidden = true;
    show('');
  }

  function locate(latlng) {
    var url = el.getAttribute('data-locate-url') +
      '?lon=' + encodeURIComponent(latlng.lng) + '&lat=' + encodeURIComponent(latlng.lat);
    fetch(url, { credentials: 'same-origin' })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.error) {
          reset();
          show(data.error, true);
        } else {
          show('已选择：' + data.place);
        }
      })
      .catch(function () { show('已选择地图上的位置'); });
  }

  fetch(el.getAttribute('data-areas-url'), { credentials: 'same-origin' })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var layer = window.L.geoJSON(data, {
        interactive: false,
        style: function (feature) {
          var district = feature.properties.kind === 'district';
          return {
            color: district ? '#1f4e8c' : '#6b7c93',
            weight: district ? 2.5 : 1,
            fillColor: '#dfe8f3',
            fillOpacity: district ? 0.35 : 0
          };
        }
      }).addTo(map);
      // The box was hidden until this script ran: let Leaflet measure it again.
      map.invalidateSize();
      if (!lon.value) { map.fitBounds(layer.getBounds(), { animate: false }); }
    });

  if (lon.value && lat.value) {
    var start = window.L.latLng(parseFloat(lat.value), parseFloat(lon.value));
    place(start);
    map.setView(start, 15);
  }

  map.on('click', function (event) {
    lon.value = event.latlng.lng.toFixed(6);
    lat.value = event.latlng.lat.toFixed(6);
    place(event.latlng);
    show('正在确认位置…');
    locate(event.latlng);
  });
  clear.addEventListener('click', reset);
  window.addEventListener('resize', function () { map.invalidateSize(); });
  // Large type changes the page's width and the map's size with it.
  document.addEventListener('click', function (event) {
    if (event.target.closest && event.target.closest('[data-large-toggle]')) {
      window.setTimeout(function () { map.invalidateSize(); }, 0);
    }
  });
}());
