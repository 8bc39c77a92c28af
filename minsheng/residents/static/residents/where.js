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
  var locateMe = document.querySelector('[data-locate-me]');
  var address = document.getElementById('id_address');
  box.hidden = false;

  // No zoom animation: it waits for CSS transitions, which reduced-motion settings switch off.
  var map = window.L.map(el, { attributionControl: false, zoomAnimation: false, fadeAnimation: false });
  var tiles = el.getAttribute('data-tile-url');
  if (tiles) { window.L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }
  map.setView([26.08, 119.30], 11);
  var marker = null;

  function show(text, isError, isWarning) {
    located.textContent = text;
    located.classList.toggle('error', !!isError);
    located.classList.toggle('warning', !!isWarning);
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
      '?lon=' + encodeURIComponent(latlng.lng) + '&lat=' + encodeURIComponent(latlng.lat) +
      '&address=' + encodeURIComponent(address ? address.value : '');
    fetch(url, { credentials: 'same-origin' })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.error) {
          reset();
          show(data.error, true);
        } else if (data.conflict) {
          // The typed address names another street: say so now, not after "next".
          show('已选择：' + data.place + '。' + data.conflict, false, true);
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
      var city = layer.getBounds();
      if (!city.isValid()) { return; }
      if (!lon.value) { map.fitBounds(city, { animate: false }); }
      // Zooming and dragging stay over the city: it cannot drift out of sight.
      map.setMaxBounds(city.pad(0.2));
      map.setMinZoom(Math.max(map.getBoundsZoom(city.pad(0.2)) - 1, 0));
    });

  if (lon.value && lat.value) {
    var start = window.L.latLng(parseFloat(lat.value), parseFloat(lon.value));
    place(start);
    map.setView(start, 15);
  }

  function choose(latlng) {
    lon.value = latlng.lng.toFixed(6);
    lat.value = latlng.lat.toFixed(6);
    place(latlng);
    show('正在确认位置…');
    locate(latlng);
  }

  map.on('click', function (event) { choose(event.latlng); });

  // "Locate me": the phone's own position, when it has one and the resident allows it.
  if (locateMe && navigator.geolocation) {
    locateMe.hidden = false;
    locateMe.addEventListener('click', function () {
      show('正在获取您的位置…');
      navigator.geolocation.getCurrentPosition(function (position) {
        var here = window.L.latLng(position.coords.latitude, position.coords.longitude);
        map.setView(here, 16, { animate: false });
        choose(here);
      }, function () {
        show('无法获取您的位置，请在地图上点选或填写地址。', true);
      }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    });
  }
  // A changed address is checked again against the point already chosen.
  if (address) {
    address.addEventListener('change', function () {
      if (lon.value && lat.value) {
        locate(window.L.latLng(parseFloat(lat.value), parseFloat(lon.value)));
      }
    });
  }
  clear.addEventListener('click', reset);
  window.addEventListener('resize', function () { map.invalidateSize(); });
  // Large type changes the page's width and the map's size with it.
  document.addEventListener('click', function (event) {
    if (event.target.closest && event.target.closest('[data-large-toggle]')) {
      window.setTimeout(function () { map.invalidateSize(); }, 0);
    }
  });
}());
