/* words.js -- the projector view's own words, in the deck's language.
 *
 * The projector (and its moderation view) speaks the deck's front matter
 * "lang:", from presenter/i18n/<lang>.json, English when the deck names
 * none; a deck reload that changes "lang:" changes it.  The sentences the
 * view builds from the room (the run line, progress, error toasts) are here
 * too, so present.js only says which one it needs.  Every key is written out
 * whole, never pieced together, so the catalogue test sees each one used. */
(function () {
  'use strict';

  var BASE = '/present/i18n/';

  var ERROR_KEYS = {
    unknown_poll: 'error.unknown_poll',
    poll_closed: 'error.poll_closed',
    bad_message: 'error.bad_message',
    rate_limited: 'error.rate_limited',
    server_busy: 'error.server_busy',
    store_failed: 'error.store_failed',
    internal: 'error.internal',
    not_joined: 'error.not_joined'
  };
  var POLL_KEYS = { open: 'poll.open', closed: 'poll.closed', pending: 'poll.pending' };
  var CONN_KEYS = { joined: 'conn.joined', closed: 'conn.closed', connecting: 'conn.connecting' };

  var words = { cat: null, want: null, listeners: [] };

  function t(key, params) { return words.cat ? words.cat.t(key, params) : key; }
  function num(n) { return words.cat ? words.cat.formatNumber(n) : String(n); }

  /* Puts the deck's language in place (tag: its "lang:", or null).  Resolves
   * once the page shows it; a second call for the same language does nothing. */
  function use(tag) {
    var lang = window.HandsupI18n.supported(tag) || 'en';
    if (words.cat && words.cat.lang === lang) return Promise.resolve(words.cat);
    words.want = lang;
    return window.HandsupI18n.load(BASE, lang).then(function (cat) {
      if (words.want !== lang) return words.cat; /* a later deck's language won */
      words.cat = cat;
      cat.apply(document);
      words.listeners.forEach(function (fn) { fn(cat); });
      return cat;
    });
  }

  function hasOwn(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }

  function errorText(code, message) {
    if (hasOwn(ERROR_KEYS, code)) return t(ERROR_KEYS[code]);
    return message ? String(message) : t('error.other');
  }

  function pollState(status) { return t(hasOwn(POLL_KEYS, status) ? POLL_KEYS[status] : 'poll.pending'); }
  function connState(s) { return t(hasOwn(CONN_KEYS, s) ? CONN_KEYS[s] : 'conn.connecting'); }

  /* "37 of 41 voted, 4 to go"; the console writes the same sentence. */
  function progress(voters, joined) {
    if (joined <= 0) return t('progress.nobody');
    if (voters >= joined) return t('progress.all', { count: voters });
    return t('progress.some', { voters: voters, count: joined, left: joined - voters });
  }

  /* When a run went live: the time today, else the day and the time, in
   * the language's own way of writing them. */
  function since(ms) {
    var locale = words.cat ? words.cat.locale : 'en';
    var d = new Date(ms);
    var time = d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
    if (new Date().toDateString() === d.toDateString()) return time;
    return d.toLocaleDateString(locale, { day: 'numeric', month: 'short' }) + ' ' + time;
  }

  /* The run line, its tooltip, and the toast of a resumed run. */
  function run(r) {
    var p = { number: r.number, label: r.label ? String(r.label) : '', since: since(r.startedAt) };
    return {
      line: t(p.label ? 'projector.runLabelled' : 'projector.run', p),
      title: t(r.resumed ? 'projector.runResumed' : 'projector.runNew'),
      toast: t(p.label ? 'projector.runBackLabelled' : 'projector.runBack', p)
    };
  }

  window.HandsupProjectorWords = {
    use: use,
    t: t,
    num: num,
    catalogue: function () { return words.cat; },
    onChange: function (fn) { words.listeners.push(fn); },
    errorText: errorText,
    pollState: pollState,
    connState: connState,
    progress: progress,
    run: run
  };
})();
