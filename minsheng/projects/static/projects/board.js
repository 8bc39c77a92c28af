// The campaign board's hazard map: points scaled into the SVG, coloured by state.
(function () {
  var svg = document.getElementById("hazard-map"), pts = JSON.parse(document.getElementById("hazard-points").textContent);
  if (!pts.length) return;
  var xs = pts.map(function (p) { return p.lon; }), ys = pts.map(function (p) { return p.lat; });
  var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs), y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
  var colour = {open: "#c0392b", fixed: "#27ae60", refused: "#7f8c8d"};
  pts.forEach(function (p) {
    var c = document.createElementNS("http://www.w3.org/2000/svg", "circle");
    c.setAttribute("cx", 20 + 360 * (x1 > x0 ? (p.lon - x0) / (x1 - x0) : 0.5));
    c.setAttribute("cy", 220 - 200 * (y1 > y0 ? (p.lat - y0) / (y1 - y0) : 0.5));
    c.setAttribute("r", 4); c.setAttribute("fill", colour[p.state] || "#333");
    svg.appendChild(c);
  });
})();
