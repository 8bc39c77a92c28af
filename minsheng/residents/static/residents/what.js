/*
 * Step 1 of filing on the phone: filter the category list while typing.
 * Without JavaScript the search box submits (?q=) and the server filters instead.
 */
(function () {
  'use strict';

  var input = document.querySelector('[data-category-search]');
  if (!input) { return; }
  var groups = document.querySelectorAll('.m-categories details.m-group');
  var empty = document.querySelector('[data-search-empty]');

  function norm(text) { return (text || '').toLowerCase().trim(); }

  function filter() {
    var words = norm(input.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    for (var g = 0; g < groups.length; g++) {
      var group = groups[g];
      var choices = group.querySelectorAll('[data-search]');
      var inGroup = 0;
      for (var c = 0; c < choices.length; c++) {
        var text = norm(choices[c].getAttribute('data-search'));
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        choices[c].hidden = !match;
        if (match) { inGroup++; }
      }
      group.hidden = inGroup === 0;
      if (words.length) {
        group.open = inGroup > 0;
      } else {
        group.open = !!group.querySelector('input:checked');
      }
      shown += inGroup;
    }
    if (empty) { empty.hidden = shown > 0; }
  }

  input.addEventListener('input', filter);
  input.form.addEventListener('submit', function (event) {
    event.preventDefault();
    filter();
  });
}());
