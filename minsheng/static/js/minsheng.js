/*
 * minsheng.js: small progressive enhancements, no inline scripts needed.
 *
 *   <button data-confirm="确定退回该工单吗？">退回</button>
 *   <form data-confirm="…">            ask before the action runs
 *   <button data-dismiss>               closes the surrounding .alert
 *   .messages .alert.success            fades out after 6 seconds
 *   <select data-autosubmit>            submits its form on change
 *   .js-hide                            hidden when JS runs (no-JS fallbacks)
 *   hx-trigger="keyup changed …"        also fires for text that arrives without a key:
 *                                       an input method's Chinese, a paste, autofill
 *
 * Works on content swapped in by htmx too (htmx:load).
 */
(function () {
  'use strict';

  var AUTO_DISMISS_MS = 6000;
  var FADE_MS = 400;

  document.documentElement.classList.add('js');

  function closest(el, selector) {
    return el && el.closest ? el.closest(selector) : null;
  }

  function dismiss(alertEl) {
    if (!alertEl || alertEl.classList.contains('is-leaving')) { return; }
    alertEl.classList.add('is-leaving');
    window.setTimeout(function () {
      var box = alertEl.parentNode;
      if (box) { box.removeChild(alertEl); }
      if (box && box.classList.contains('messages') && !box.querySelector('.alert')) {
        box.parentNode && box.parentNode.removeChild(box);
      }
    }, FADE_MS);
  }

  // Confirm dialogs. Capture phase, so a cancelled click never reaches
  // htmx or the form's own handlers.
  document.addEventListener('click', function (event) {
    var el = closest(event.target, '[data-confirm]');
    if (!el || el.tagName === 'FORM') { return; }
    if (el.disabled) { return; }
    if (!window.confirm(el.getAttribute('data-confirm'))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    } else if (el.form && el.form.hasAttribute('data-confirm')) {
      // The form's own data-confirm must not ask a second time.
      el.form.setAttribute('data-confirmed', '1');
    }
  }, true);

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute || !form.hasAttribute('data-confirm')) { return; }
    if (form.getAttribute('data-confirmed') === '1') {
      form.removeAttribute('data-confirmed');
      return;
    }
    if (!window.confirm(form.getAttribute('data-confirm'))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Dismiss buttons.
  document.addEventListener('click', function (event) {
    var btn = closest(event.target, '[data-dismiss]');
    if (!btn) { return; }
    event.preventDefault();
    dismiss(closest(btn, '.alert'));
  });

  // Auto-submit selects (language switch).
  document.addEventListener('change', function (event) {
    var el = event.target;
    if (!el || !el.hasAttribute || !el.hasAttribute('data-autosubmit') || !el.form) { return; }
    if (el.form.requestSubmit) { el.form.requestSubmit(); } else { el.form.submit(); }
  });

  // Success messages disappear after 6 s, unless the pointer or focus is on them.
  function scheduleAutoDismiss(scope) {
    var items = (scope || document).querySelectorAll('.messages .alert.success');
    Array.prototype.forEach.call(items, function (el) {
      if (el.getAttribute('data-auto') === '1') { return; }
      el.setAttribute('data-auto', '1');
      var timer = null;
      function start() { timer = window.setTimeout(function () { dismiss(el); }, AUTO_DISMISS_MS); }
      function stop() { if (timer) { window.clearTimeout(timer); timer = null; } }
      el.addEventListener('mouseenter', stop);
      el.addEventListener('focusin', stop);
      el.addEventListener('mouseleave', function () { stop(); start(); });
      start();
    });
  }

  // htmx triggers written "keyup changed delay:… from:#field" (the agent's console: the
  // suggestions follow the description, the knowledge base the search box) never heard text
  // committed by a Chinese input method, pasted or filled in, which comes with no keyup.
  // Each finished input is passed on as a keyup; "changed" and the delay drop the repeats.
  document.addEventListener('input', function (event) {
    var el = event.target;
    if (!el || event.isComposing || !(el.tagName === 'TEXTAREA' || el.tagName === 'INPUT')) {
      return;
    }
    el.dispatchEvent(new KeyboardEvent('keyup', { bubbles: true }));
  }, true);
  document.addEventListener('compositionend', function (event) {
    if (event.target && event.target.dispatchEvent) {
      event.target.dispatchEvent(new KeyboardEvent('keyup', { bubbles: true }));
    }
  }, true);

  // The top bar keeps to one line on wide screens: menu items that do not fit move, from the
  // last, under a "更多" item with a drop-down (hover or keyboard focus, like the others).
  function fitNav() {
    var nav = document.querySelector('header.topbar nav.nav');
    var list = nav && nav.querySelector('ul');
    if (!list) { return; }
    var more = list.querySelector('li.nav-more');
    if (more) {
      var moved = more.querySelector('ul.subnav');
      while (moved.firstChild) { list.insertBefore(moved.firstChild, more); }
      list.removeChild(more);
    }
    if (window.innerWidth <= 760 || list.scrollWidth <= nav.clientWidth + 1) { return; }
    more = document.createElement('li');
    more.className = 'has-sub nav-more';
    var link = document.createElement('a');
    link.href = '#';
    link.setAttribute('aria-haspopup', 'true');
    link.textContent = (nav.getAttribute('data-more-label') || '更多') + ' ▾';
    link.addEventListener('click', function (event) { event.preventDefault(); });
    var sub = document.createElement('ul');
    sub.className = 'subnav';
    more.appendChild(link);
    more.appendChild(sub);
    list.appendChild(more);
    var items = list.querySelectorAll(':scope > li:not(.nav-more)');
    for (var i = items.length - 1; i >= 0 && list.scrollWidth > nav.clientWidth + 1; i--) {
      sub.insertBefore(items[i], sub.firstChild);
      if (items[i].querySelector('a.active')) { link.classList.add('active'); }
    }
  }
  var fitTimer = null;
  window.addEventListener('resize', function () {
    window.clearTimeout(fitTimer);
    fitTimer = window.setTimeout(fitNav, 100);
  });

  function init(scope) { scheduleAutoDismiss(scope); }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { init(document); fitNav(); });
  } else {
    init(document);
    fitNav();
  }
  document.addEventListener('htmx:load', function (event) {
    init(event.detail && event.detail.elt ? event.detail.elt.parentNode || document : document);
  });
}());
