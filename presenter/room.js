/* room.js -- the room as a presenter window knows it: credentials from the
 * URL fragment, the connection, and the last deck, state, tallies and
 * counts the server sent.
 *
 * A window renders only from what the server sends, never from its own
 * commands, so any number of presenter windows (projector, console, a
 * second laptop) show the same room, and one that reconnects or reloads
 * finds it as it was.  Used by the speaker console (console.js). */
(function () {
  'use strict';

  var STORE_KEY = 'handsup.presenter';
  /* Views a fragment may name after the key: #<code>/<key>/console. */
  var VIEWS = { console: true, moderate: true };

  function normalizeCode(s) { return String(s || '').replace(/[\s\u00a0-]/g, ''); }
  function formatCode(c) { return c && c.length === 8 ? c.slice(0, 4) + ' ' + c.slice(4) : String(c || ''); }

  /* The server percent-encodes code and key in the fragment (a key may hold
   * '/', '#' or '%'); a stray '%' from a hand-typed link is kept. */
  function fragmentPart(s) {
    try { return decodeURIComponent(s); } catch (e) { return s; }
  }

  /* "#<code>/<key>[/<view>]" -> {code, key, view}, or null. */
  function parseFragment(hash) {
    var h = String(hash || '').replace(/^#/, '');
    var parts = h.split('/');
    var view = null;
    if (parts.length > 2 && VIEWS[parts[parts.length - 1]]) view = parts.pop();
    if (parts.length < 2) return null;
    var code = normalizeCode(fragmentPart(parts[0]));
    var key = fragmentPart(parts.slice(1).join('/'));
    return code && key ? { code: code, key: key, view: view } : null;
  }

  function saveCredentials(code, key) {
    try { sessionStorage.setItem(STORE_KEY, JSON.stringify({ code: code, key: key })); } catch (e) { /* ignore */ }
  }

  function forgetKey() {
    try { sessionStorage.removeItem(STORE_KEY); } catch (e) { /* ignore */ }
  }

  /* From the fragment (then taken out of the address bar, which a
   * projector may show the room), else from this tab's sessionStorage. */
  function readCredentials() {
    var c = parseFragment(location.hash);
    if (c) {
      saveCredentials(c.code, c.key);
      try { history.replaceState(null, '', location.pathname + location.search); } catch (e) { /* ignore */ }
      return c;
    }
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORE_KEY) || 'null');
      if (saved && saved.code && saved.key) return { code: String(saved.code), key: String(saved.key), view: null };
    } catch (e) { /* nothing usable stored */ }
    return null;
  }

  /* opts.onChange(room, what)  what: 'welcome', 'state', 'tally', 'people'
   * opts.onError(msg)          an error answering a command
   * opts.onLogin(reason)       key refused or session unknown: ask again
   * opts.onStatus(status)      'connecting', 'joined', 'closed' */
  function Room(opts) {
    this.opts = opts;
    this.code = null;
    this.key = null;
    this.joined = false;
    this.session = {};
    this.deck = { slides: [] };
    this.state = null;
    this.version = -1;
    this.offset = 0;         /* server clock minus ours, ms */
    this.tallies = {};       /* poll id -> {status, counts, voters, resultsHidden, revealed} */
    this.people = { participants: 0, connected: 0 };
    var self = this;
    this.conn = new window.HandsupConn({
      onOpen: function () {
        self.joined = false;
        if (self.code && self.key) self.conn.send({ type: 'join', code: self.code, key: self.key });
      },
      onMessage: function (m) { self.onMessage(m); },
      onStatus: function (s) {
        if (s !== 'open') self.joined = false;
        opts.onStatus(s === 'open' ? (self.joined ? 'joined' : 'connecting') : s);
      }
    });
  }

  Room.prototype.start = function (code, key) {
    this.code = code;
    this.key = key;
    this.joined = false;
    this.state = null;
    this.tallies = {};
    this.opts.onStatus('connecting');
    this.conn.start();
    if (this.conn.isOpen()) this.conn.send({ type: 'join', code: code, key: key });
  };

  /* Sends a presenter command; false when not connected. */
  Room.prototype.send = function (msg) {
    return this.joined && this.conn.send(msg);
  };

  Room.prototype.now = function () { return Date.now() + this.offset; };

  Room.prototype.slide = function (i) {
    var slides = this.deck.slides || [];
    for (var k = 0; k < slides.length; k++) if (slides[k].index === i) return slides[k];
    return null;
  };

  Room.prototype.tallyFor = function (id) {
    if (!this.tallies[id]) {
      this.tallies[id] = { status: 'pending', counts: {}, voters: 0, resultsHidden: false, revealed: false };
    }
    return this.tallies[id];
  };

  Room.prototype.onMessage = function (msg) {
    if (typeof msg.serverTime === 'number') this.offset = msg.serverTime - Date.now();
    switch (msg.type) {
    case 'welcome':
      if (msg.role !== 'presenter') return;
      this.joined = true;
      this.version = -1;
      this.session = msg.session || {};
      this.deck = msg.deck || { slides: [] };
      this.opts.onStatus('joined');
      this.opts.onChange(this, 'welcome');
      break;
    case 'state':
      if (typeof msg.version === 'number') {
        /* Equal versions are welcome: an answered command repeats the state. */
        if (msg.version < this.version) return;
        this.version = msg.version;
      }
      this.state = msg;
      if (msg.poll && msg.poll.id) {
        var t = this.tallyFor(msg.poll.id);
        t.status = msg.poll.status;
        t.resultsHidden = !!msg.poll.resultsHidden;
        if (typeof msg.poll.revealed === 'boolean') t.revealed = msg.poll.revealed;
        if (msg.poll.results && msg.poll.results.counts) {
          t.counts = msg.poll.results.counts;
          t.voters = Number(msg.poll.results.voters) || 0;
        }
      }
      this.opts.onChange(this, 'state');
      break;
    case 'tally': {
      if (!msg.poll) return;
      var tt = this.tallyFor(String(msg.poll));
      if (msg.status) tt.status = msg.status;
      if (msg.counts) tt.counts = msg.counts;
      if (typeof msg.voters === 'number') tt.voters = msg.voters;
      if (typeof msg.resultsHidden === 'boolean') tt.resultsHidden = msg.resultsHidden;
      if (typeof msg.revealed === 'boolean') tt.revealed = msg.revealed;
      this.setPeople(msg);
      this.opts.onChange(this, 'tally');
      break;
    }
    case 'room':
      this.setPeople(msg);
      this.opts.onChange(this, 'people');
      break;
    case 'error':
      this.onError(msg);
      break;
    default:
      break;
    }
  };

  Room.prototype.setPeople = function (msg) {
    if (typeof msg.participants === 'number') this.people.participants = msg.participants;
    if (typeof msg.connected === 'number') this.people.connected = msg.connected;
  };

  Room.prototype.onError = function (msg) {
    var code = String(msg.code || '');
    if ((code === 'forbidden' || code === 'unknown_session') && !this.joined) {
      this.conn.stop();
      forgetKey();
      this.key = null;
      this.opts.onLogin(code);
      return;
    }
    if (code === 'not_joined' && this.code && this.key) {
      this.conn.send({ type: 'join', code: this.code, key: this.key });
      return;
    }
    this.opts.onError(msg);
  };

  window.HandsupRoom = {
    Room: Room,
    readCredentials: readCredentials,
    parseFragment: parseFragment,
    saveCredentials: saveCredentials,
    normalizeCode: normalizeCode,
    formatCode: formatCode
  };
})();
