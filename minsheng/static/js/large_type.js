/*
 * 大字模式 (large type) toggle for the resident pages (templates/m_base.html).
 *
 * - Adds/removes the `large-type` class on <html>.
 * - Persists the choice in localStorage ("ms_large") and in a cookie
 *   `ms_large=1` so the server renders the class on the next page load
 *   (m_base.html checks request.COOKIES.ms_large).
 * - Any element with the `data-large-toggle` attribute is a toggle button;
 *   its aria-pressed is kept in sync.
 *
 * Loaded synchronously in <head> (no inline script, CSP-friendly) so the
 * saved state is applied before the first paint.
 */
(function () {
  'use strict';

  var KEY = 'ms_large';
  var CLASS = 'large-type';
  var root = document.documentElement;

  function readStorage() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }
  }

  function writeStorage(on) {
    try { window.localStorage.setItem(KEY, on ? '1' : '0'); } catch (e) { /* private mode */ }
  }

  function writeCookie(on) {
    var secure = window.location.protocol === 'https:' ? '; Secure' : '';
    if (on) {
      document.cookie = KEY + '=1; path=/; max-age=31536000; SameSite=Lax' + secure;
    } else {
      document.cookie = KEY + '=; path=/; max-age=0; SameSite=Lax' + secure;
    }
  }

  function syncButtons(on) {
    var buttons = document.querySelectorAll('[data-large-toggle]');
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute('aria-pressed', on ? 'true' : 'false');
    }
  }

  function apply(on) {
    root.classList.toggle(CLASS, on);
    syncButtons(on);
  }

  // 1. Initial state: localStorage wins when set; otherwise keep what the
  //    server rendered from the cookie. Re-write the cookie so both agree.
  var stored = readStorage();
  var on = stored === null ? root.classList.contains(CLASS) : stored === '1';
  apply(on);
  writeCookie(on);

  // 2. Wire up the buttons once the DOM exists.
  function bind() {
    syncButtons(root.classList.contains(CLASS));
    document.addEventListener('click', function (event) {
      var btn = event.target.closest ? event.target.closest('[data-large-toggle]') : null;
      if (!btn) { return; }
      event.preventDefault();
      var next = !root.classList.contains(CLASS);
      apply(next);
      writeStorage(next);
      writeCookie(next);
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', bind);
  } else {
    bind();
  }
}());
