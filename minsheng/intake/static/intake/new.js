// The console's intake form: knowledge answers, the emergency referral, the category filter.
// A file, not an inline script: the Content-Security-Policy allows scripts only from 'self'.
(function () {
  var form = document.querySelector("form[action$='/intake/new/']");
  var byId = function (id) { return document.getElementById(id); };
  document.addEventListener('click', function (event) {
    var button = event.target.closest('[data-use-article]');
    if (!button || !form) { return; }
    byId('id_request_type').value = 'consult';
    if (button.dataset.category) { byId('id_category').value = button.dataset.category; }
    if (!byId('id_description').value.trim()) {
      byId('id_description').value = (form.dataset.consultPrefix || '') + button.dataset.title;
    }
    byId('id_answer').value = button.dataset.body;
    byId('id_article').value = button.dataset.useArticle;
    byId('article-used').hidden = false;
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  });
  var emergency = byId('id_emergency');
  if (emergency) {
    emergency.addEventListener('change', function () {
      byId('referral-panel').removeAttribute('data-hidden-until-emergency');
      byId('referral-panel').hidden = !emergency.checked;
      emergency.closest('fieldset').classList.toggle('is-on', emergency.checked);
      if (emergency.checked) { byId('id_urgency').value = 'urgent'; }
    });
  }
}());
(function () {
  var box = document.getElementById('category-filter');
  var select = document.getElementById(box ? box.dataset.select : '');
  if (!box || !select) { return; }
  box.hidden = false;
  box.addEventListener('input', function () {
    var word = box.value.trim();
    Array.prototype.forEach.call(select.querySelectorAll('optgroup'), function (group) {
      var shown = 0;
      Array.prototype.forEach.call(group.querySelectorAll('option'), function (option) {
        var hit = !word || option.text.indexOf(word) >= 0 || group.label.indexOf(word) >= 0;
        option.hidden = !hit;
        shown += hit ? 1 : 0;
      });
      group.hidden = shown === 0;
    });
  });
}());
