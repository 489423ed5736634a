/**
 * The console's only script, served as `assets/console.js` (the Content-Security-Policy allows no inline script).
 * Progressive: every page works without it. It asks before a form with `data-confirm` is submitted, and reloads
 * read pages every `data-refresh` seconds unless the operator paused it, is typing, or has a preview open.
 */
export const CONSOLE_SCRIPT = `'use strict';
(function () {
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) event.preventDefault();
  });
  var seconds = Number(document.body.getAttribute('data-refresh') || 0);
  var toggle = document.getElementById('refresh-toggle');
  var state = document.getElementById('refresh-state');
  if (!(seconds > 0) || !toggle) return;
  var key = 'mlc-console-refresh-paused';
  var paused = false;
  try { paused = window.sessionStorage.getItem(key) === '1'; } catch (e) {}
  function show() {
    toggle.setAttribute('aria-pressed', paused ? 'true' : 'false');
    toggle.textContent = paused ? 'Resume auto-refresh' : 'Pause auto-refresh';
    if (state) state.textContent = paused ? 'auto-refresh paused' : 'refreshes every ' + seconds + ' s';
  }
  toggle.hidden = false;
  show();
  toggle.addEventListener('click', function () {
    paused = !paused;
    try { window.sessionStorage.setItem(key, paused ? '1' : '0'); } catch (e) {}
    show();
  });
  function busy() {
    var active = document.activeElement;
    if (active && active.closest && active.closest('form')) return true;
    return document.querySelector('details[open]') !== null;
  }
  window.setInterval(function () {
    if (!paused && !busy() && document.visibilityState !== 'hidden') window.location.reload();
  }, seconds * 1000);
})();
`;
