/* route.js -- /present/#<code>/<key>/console is the speaker console: this
 * page hands such a fragment to console.html before anything else runs.
 * Loaded without defer, so the projector view (present.js) never joins with
 * it; present.js checks HANDSUP_ROUTED and stays idle. */
(function () {
  'use strict';
  var h = location.hash;
  if (/^#[^/]+\/.+\/console$/.test(h)) {
    window.HANDSUP_ROUTED = true;
    location.replace('/present/console.html' + h);
  }
})();
