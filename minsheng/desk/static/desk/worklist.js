// A work list: the header box ticks every ticket of the page.
// A file, not an inline script: the Content-Security-Policy allows scripts only from 'self'.
document.querySelectorAll("[data-check-all]").forEach(function (box) {
  box.addEventListener("change", function () {
    box.form.querySelectorAll("input[name=tickets]").forEach(function (one) { one.checked = box.checked; });
  });
});
