// The dispatcher's queue: a row's unit list is filled from the page's one <template> when first touched.
// A file, not an inline script: the Content-Security-Policy allows scripts only from 'self'.
(function () {
  function fill(row) {
    var select = row && row.querySelector("select[data-unit-options]");
    if (!select || select.dataset.filled) return;
    var chosen = select.value;
    var suggested = select.querySelector("option[data-suggested]");
    if (suggested) suggested.remove();
    select.appendChild(document.getElementById("unit-options").content.cloneNode(true));
    select.value = chosen;
    select.dataset.filled = "1";
  }
  ["pointerdown", "focusin"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (event.target.closest) fill(event.target.closest("tr"));
    }, true);
  });
})();
