// Clicking a suggestion fills the form's field; loaded once per page (htmx swaps it in again).
// A file, not an inline script: the Content-Security-Policy allows scripts only from 'self'.
if (!window.minshengTriage) {
  window.minshengTriage = true;
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-triage-set]");
    if (!button) return;
    var box = button.closest(".triage-suggestions");
    var form = (box.dataset.triageTarget && document.querySelector(box.dataset.triageTarget)) || box.closest("form");
    if (!form) return;
    var field = form.elements[button.dataset.triageSet];
    if (!field) return;
    // The place list may lack communities: try the unit, then its street, then its district.
    var values = button.dataset.triageValue.split(" ");
    for (var i = 0; i < values.length; i++) {
      field.value = values[i];
      if (field.value === values[i]) { field.dispatchEvent(new Event("change", {bubbles: true})); break; }
    }
  });
}
