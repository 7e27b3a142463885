/* creds.js -- the projector view's session code and presenter key: read
 * from the address fragment (#<code>/<key>, or #<code>/<key>/moderate for
 * the moderation view), else from this tab's sessionStorage, where they stay
 * for reloads once the key has left the address bar.  Which view the
 * fragment asked for is mode(): 'present' or 'moderate'. */
(function () {
  'use strict';

  var STORE_KEY = 'handsup.presenter';
  var mode = 'present';

  function normalizeCode(s) { return String(s || '').replace(/[\s\u00a0-]/g, ''); }

  /* The server percent-encodes code and key in the fragment (a key may hold
   * '/', '#' or '%'); a stray '%' from a hand-typed link is kept as it is. */
  function fragmentPart(s) {
    try { return decodeURIComponent(s); } catch (e) { return s; }
  }

  function readCredentials() {
    var h = location.hash.replace(/^#/, '');
    /* "#<code>/<key>/moderate" opens the moderation view; the key is
     * percent-encoded, so a literal "/moderate" can only be the mode.  After
     * the key leaves the address bar, "#moderate" keeps the mode for reloads. */
    var moderate = /\/moderate$/.test(h) || h === 'moderate';
    mode = moderate ? 'moderate' : 'present';
    if (moderate) h = h.replace(/\/?moderate$/, '');
    var slash = h.indexOf('/');
    if (slash > 0) {
      var code = normalizeCode(fragmentPart(h.slice(0, slash)));
      var key = fragmentPart(h.slice(slash + 1));
      if (code && key) {
        saveCredentials(code, key);
        /* The key leaves the address bar, which a projector shows to the
         * whole room; sessionStorage keeps it for reloads of this tab. */
        try {
          history.replaceState(null, '', location.pathname + location.search + (moderate ? '#moderate' : ''));
        } catch (e) { /* ignore */ }
        return { code: code, key: key };
      }
    }
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORE_KEY) || 'null');
      if (saved && saved.code && saved.key) return { code: String(saved.code), key: String(saved.key) };
    } catch (e) { /* nothing usable stored */ }
    return null;
  }

  function saveCredentials(code, key) {
    try { sessionStorage.setItem(STORE_KEY, JSON.stringify({ code: code, key: key })); } catch (e) { /* ignore */ }
  }

  function forgetKey() {
    try { sessionStorage.removeItem(STORE_KEY); } catch (e) { /* ignore */ }
  }

  window.HandsupCreds = {
    read: readCredentials,
    save: saveCredentials,
    forget: forgetKey,
    mode: function () { return mode; }
  };
})();
