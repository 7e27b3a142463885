/* present.js -- the presenter view: slides for the projector, live tallies,
 * keyboard and on-screen control of the room.
 *
 * It renders only from what the server sends (welcome deck, state, tally),
 * never from its own commands, so two presenter windows on one session always
 * show the same thing.  Code and key come from the URL fragment
 * (#<code>/<key>) or a small form and live in sessionStorage. */
(function () {
  'use strict';

  if (window.HANDSUP_ROUTED) return; /* route.js is opening the console instead */

  var STORE_KEY = 'handsup.presenter';
  var TOAST_MS = 4000;

  var ERROR_TEXT = {
    unknown_poll: 'This slide has no poll.',
    poll_closed: 'Voting on this poll is closed.',
    bad_message: 'The server did not accept that command.',
    rate_limited: 'Too many commands at once: slow down a little.',
    server_busy: 'The server is busy; try again.',
    store_failed: 'The data file could not be written.',
    internal: 'Something went wrong on the server.',
    not_joined: 'Not joined yet; reconnecting.'
  };

  function $(id) { return document.getElementById(id); }

  var app = {
    code: null,
    key: null,
    joined: false,
    deck: null,
    session: null,
    state: null,
    version: -1,
    offset: 0,
    tallies: {},        /* poll id -> last known counts and flags */
    people: { participants: 0, connected: 0 },
    shownIndex: -1,
    barsKey: null,
    tick: null,
    toastTimer: null,
    lastFocus: null,
    mode: 'present',    /* or 'moderate': the moderation view (moderate.js) */
    answers: null,      /* the last "answers" message (the current text poll's answers) */
    questions: null     /* the last "questions" message (every audience question) */
  };
  var PK = window.HandsupPresentKinds;

  function formatCode(c) { return c && c.length === 8 ? c.slice(0, 4) + ' ' + c.slice(4) : String(c || ''); }
  function normalizeCode(s) { return String(s || '').replace(/[\s\u00a0-]/g, ''); }

  /* ---- credentials ------------------------------------------------------- */

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
    app.mode = moderate ? 'moderate' : 'present';
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

  function showLogin(error) {
    $('stage').hidden = true;
    $('moderate').hidden = true;
    $('login').hidden = false;
    if (app.code) $('login-code').value = formatCode(app.code);
    $('login-button').disabled = false;
    var el = $('login-error');
    el.textContent = error || '';
    el.hidden = !error;
    (app.code ? $('login-key') : $('login-code')).focus();
  }

  function showStage() {
    $('login').hidden = true;
    $('stage').hidden = app.mode === 'moderate';
    $('moderate').hidden = app.mode !== 'moderate';
  }

  /* ---- connection -------------------------------------------------------- */

  var conn = new window.HandsupConn({
    onOpen: function () {
      app.joined = false;
      if (app.code && app.key) conn.send({ type: 'join', code: app.code, key: app.key });
    },
    onMessage: onMessage,
    onStatus: function (s) {
      if (s !== 'open') app.joined = false;
      setConnStatus(s === 'open' ? (app.joined ? 'joined' : 'connecting') : s);
    }
  });

  function setConnStatus(s) {
    var el = $('conn-status');
    el.dataset.state = s;
    el.textContent = s === 'joined' ? 'Connected' : s === 'closed' ? 'Reconnecting…' : 'Connecting…';
    $('mod-conn').dataset.state = s;
    $('mod-conn').textContent = el.textContent;
  }

  function command(msg) {
    if (!app.joined || !conn.send(msg)) toast('Not connected: the command was not sent.');
  }

  function onMessage(msg) {
    switch (msg.type) {
    case 'welcome': onWelcome(msg); break;
    case 'state': onState(msg); break;
    case 'tally': onTally(msg); break;
    case 'room': onRoom(msg); break;
    case 'deck': onDeck(msg); break;
    case 'answers': onAnswers(msg); break;
    case 'questions': onQuestions(msg); break;
    case 'ack': break; /* moderation took effect; the lists that follow show it */
    case 'error': onError(msg); break;
    case 'pong':
      if (typeof msg.serverTime === 'number') app.offset = msg.serverTime - Date.now();
      break;
    default: break;
    }
  }

  function onWelcome(msg) {
    if (msg.role !== 'presenter') return;
    app.joined = true;
    app.version = -1;
    app.session = msg.session || {};
    app.deck = msg.deck || { slides: [] };
    if (typeof msg.serverTime === 'number') app.offset = msg.serverTime - Date.now();
    app.shownIndex = -1;
    app.barsKey = null;
    setConnStatus('joined');
    showStage();
    renderSession();
    window.HandsupModerate.onSession(app.session);
    $('mod-session').textContent = (app.session.title || '') + ' \u00b7 code ' + formatCode(app.code);
  }

  /* Answers and questions reach the moderation view only in its own mode:
   * the projector's page never holds text waiting for approval. */
  function onAnswers(msg) {
    app.answers = msg;
    if (app.mode === 'moderate') window.HandsupModerate.onAnswers(msg);
    var cur = app.state && app.state.poll;
    if (cur && cur.id === msg.poll && cur.kind === 'text') renderPoll(cur);
  }

  function onQuestions(msg) {
    app.questions = msg;
    if (app.mode === 'moderate') window.HandsupModerate.onQuestions(msg);
    if (app.state && app.state.slide && app.state.slide.kind === 'qa') PK.renderQuestions(msg);
  }

  /* The deck file changed (serve --watch): the new deck, shown at once. */
  function onDeck(msg) {
    if (msg.session) app.session = msg.session;
    app.deck = msg.deck || { slides: [] };
    app.shownIndex = -1;
    app.barsKey = null;
    renderSession();
    render();
  }

  function onError(msg) {
    var code = String(msg.code || '');
    if (code === 'forbidden' && !app.joined) {
      conn.stop();
      forgetKey();
      app.key = null;
      showLogin('Wrong presenter key for session ' + formatCode(app.code) + '.');
      return;
    }
    if (code === 'unknown_session' && !app.joined) {
      conn.stop();
      forgetKey();
      showLogin('No session has the code ' + formatCode(app.code) + '.');
      return;
    }
    if (code === 'not_joined' && app.code && app.key) {
      conn.send({ type: 'join', code: app.code, key: app.key });
      return;
    }
    toast(ERROR_TEXT[code] || (msg.message ? String(msg.message) : 'The server refused that.'));
  }

  /* ---- rendering: session and slides ------------------------------------ */

  function renderSession() {
    var s = app.session;
    var code = String(s.code || app.code);
    var url = s.joinUrl ? String(s.joinUrl) : location.origin + '/j/' + code;
    var shortUrl = url.replace(/^https?:\/\//, '');
    var qr = '/qr/' + encodeURIComponent(code) + '.svg';
    setUrl($('join-url'), shortUrl);
    setUrl($('join-panel-url'), shortUrl);
    $('join-code').textContent = formatCode(code);
    $('join-panel-code').textContent = formatCode(code);
    if ($('qr').getAttribute('src') !== qr) {
      $('qr').src = qr;
      $('join-panel-qr').src = qr;
    }
    var title = s.title || (app.deck && app.deck.title) || '';
    $('session-title').textContent = title;
    document.title = (title ? title + ' \u2013 ' : '') + 'handsup presenter';
    if (window.HandsupLook) window.HandsupLook.deck(app.deck || s, $('deck-logo'));
    renderRun(s.run);
  }

  /* Which run is live and since when (DESIGN section 10): a deck served
   * again must not pass yesterday's room off as today's.  A resumed run
   * says so once, in a toast, when the view opens on it. */
  function runSince(ms) {
    var d = new Date(ms);
    var today = new Date().toDateString() === d.toDateString();
    var time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    return today ? time : d.toLocaleDateString([], { day: 'numeric', month: 'short' }) + ' ' + time;
  }

  function renderRun(run) {
    var el = $('run-line');
    if (!run || typeof run.number !== 'number') { el.textContent = ''; return; }
    var text = 'Run ' + run.number + (run.label ? ' \u00b7 ' + run.label : '') + ' \u00b7 live since ' +
      runSince(run.startedAt);
    el.textContent = text;
    el.title = run.resumed ? 'This run was started earlier and resumed: its participants and votes are kept.'
      : 'A new run: nobody has joined it before.';
    var key = app.code + '/' + run.number + '/' + run.startedAt;
    if (run.resumed && app.runToasted !== key) {
      app.runToasted = key;
      toast('Resumed run ' + run.number + (run.label ? ' (' + run.label + ')' : '') + ', live since ' +
        runSince(run.startedAt) + ': its participants and votes are back.');
    }
  }

  /* The URL may wrap in the narrow corner: let it break after "/j/", not
   * in the middle of the code. */
  function setUrl(el, url) {
    el.textContent = '';
    var cut = url.lastIndexOf('/') + 1;
    el.appendChild(document.createTextNode(url.slice(0, cut)));
    el.appendChild(document.createElement('wbr'));
    el.appendChild(document.createTextNode(url.slice(cut)));
  }

  function deckSlide(i) {
    var slides = (app.deck && app.deck.slides) || [];
    for (var k = 0; k < slides.length; k++) {
      if (slides[k].index === i) return slides[k];
    }
    return slides[i] || null;
  }

  function onState(msg) {
    if (typeof msg.version === 'number') {
      if (msg.version < app.version) return;
      app.version = msg.version;
    }
    if (typeof msg.serverTime === 'number') app.offset = msg.serverTime - Date.now();
    app.state = msg;
    var p = msg.poll;
    if (p && p.id) {
      var t = tallyFor(p.id);
      t.status = p.status;
      t.resultsHidden = !!p.resultsHidden;
      if (typeof p.revealed === 'boolean') t.revealed = p.revealed;
      if (p.results) copyResults(t, p.results);
    }
    window.HandsupModerate.onState(msg);
    render();
  }

  /* The kind's results, from a tally or a state's poll.results. */
  function copyResults(t, r) {
    if (r.counts) t.counts = r.counts;
    if (typeof r.voters === 'number') t.voters = r.voters;
    if ('mean' in r) t.mean = r.mean;
    if ('median' in r) t.median = r.median;
    if (r.entries) t.entries = r.entries;
    if (typeof r.answers === 'number') t.answers = r.answers;
    if (typeof r.pending === 'number') t.pending = r.pending;
  }

  function onTally(msg) {
    if (!msg.poll) return;
    var t = tallyFor(String(msg.poll));
    if (msg.status) t.status = msg.status;
    copyResults(t, msg);
    if (typeof msg.resultsHidden === 'boolean') t.resultsHidden = msg.resultsHidden;
    if (typeof msg.revealed === 'boolean') t.revealed = msg.revealed;
    if (typeof msg.participants === 'number') app.people.participants = msg.participants;
    if (typeof msg.connected === 'number') app.people.connected = msg.connected;
    renderPeople();
    var cur = app.state && app.state.poll;
    if (cur && cur.id === msg.poll) renderPoll(cur);
  }

  /* Joined and connected counts on a slide without a poll. */
  function onRoom(msg) {
    if (typeof msg.participants === 'number') app.people.participants = msg.participants;
    if (typeof msg.connected === 'number') app.people.connected = msg.connected;
    renderPeople();
  }

  function renderPeople() {
    var n = app.people.participants;
    $('people').textContent = n === 1 ? '1 joined' : n + ' joined';
  }

  function tallyFor(id) {
    if (!app.tallies[id]) {
      app.tallies[id] = { status: 'pending', counts: {}, voters: 0, resultsHidden: false, revealed: false };
    }
    return app.tallies[id];
  }

  function render() {
    var st = app.state;
    if (!st || !st.slide) return;
    var idx = Number(st.slide.index) || 0;
    var count = Number(st.slide.count) || ((app.deck && app.deck.slides) || []).length;
    var ds = deckSlide(idx) || {};
    var kind = st.slide.kind || ds.kind || 'content';
    var slideEl = $('slide');
    slideEl.dataset.kind = kind;
    slideEl.dataset.index = String(idx);
    $('slide-index').textContent = (idx + 1) + ' / ' + count;

    var fresh = idx !== app.shownIndex;
    if (fresh) {
      app.shownIndex = idx;
      app.barsKey = null;
      var html = typeof ds.html === 'string' ? ds.html : (st.slide.html || '');
      $('slide-body').innerHTML = html;
      Array.prototype.forEach.call($('slide-body').querySelectorAll('img'), function (img) {
        img.addEventListener('load', fitSlide);
      });
      if (window.HandsupLook) window.HandsupLook.slide(slideEl, $('slide-body'), ds, idx, count);
    }
    if (window.HandsupLook) {
      window.HandsupLook.fragments($('slide-body'), typeof st.slide.fragment === 'number' ? st.slide.fragment : 1e9);
    }
    $('join-panel').hidden = idx !== 0;
    $('blank').hidden = !st.blank;

    var discuss = kind === 'discuss';
    $('discuss-panel').hidden = !discuss;
    if (discuss) startTick(); else stopTick();

    if (st.poll) {
      $('poll-panel').hidden = false;
      renderPoll(st.poll);
    } else {
      $('poll-panel').hidden = true;
    }
    $('qa-panel').hidden = kind !== 'qa';
    if (kind === 'qa') PK.renderQuestions(app.questions);
    updateControls(kind, st.poll);
    if (fresh) fitSlide();
  }

  /* A long slide shrinks its text until it fits above the poll or timer
   * panel instead of being cut off at the bottom of the projector. */
  function fitSlide() {
    var b = $('slide-body');
    b.style.fontSize = '';
    var size = parseFloat(window.getComputedStyle(b).fontSize);
    var min = size * 0.5;
    while (b.scrollHeight > b.clientHeight + 1 && size > min) {
      size *= 0.92;
      b.style.fontSize = size + 'px';
    }
  }

  function renderPoll(poll) {
    var t = tallyFor(poll.id);
    var options = poll.options || [];
    var key = poll.id + '\n' + JSON.stringify(options);
    if (key !== app.barsKey) {
      app.barsKey = key;
      buildBars(poll.kind === 'choice' || poll.kind === 'yesno' ? options : [], poll.kind);
    }
    var status = t.status || poll.status || 'pending';
    var ps = $('poll-state');
    ps.dataset.status = status;
    ps.textContent = status === 'open' ? 'Voting open' : status === 'closed' ? 'Voting closed' : 'Not opened yet';

    $('joined-count').textContent = String(app.people.participants);
    $('voted-count').textContent = String(t.voters || 0);
    $('connected-count').textContent = String(app.people.connected);

    var hidden = !!t.resultsHidden && !t.revealed;
    renderProgress(t.voters || 0, hidden);
    $('results-area').hidden = hidden;
    $('results-hidden').hidden = !hidden;
    $('poll-panel').dataset.visible = hidden ? 'false' : 'true';

    var scale = poll.kind === 'scale', text = poll.kind === 'text';
    $('scale-box').hidden = !scale;
    $('cloud').toggleAttribute('hidden', !text || poll.show === 'wall'); /* an SVG element has no .hidden */
    $('wall').hidden = !text || poll.show !== 'wall';
    $('kind-note').hidden = true;
    if (scale) PK.renderScale(poll, t);
    if (text) PK.renderText(poll, t, app.answers);
    var several = Number(poll.multiple) > 1;
    if (several) {
      $('kind-note').textContent = 'Each person could pick up to ' + poll.multiple + ': shares are of the ' +
        (t.voters || 0) + ' who voted.';
      $('kind-note').hidden = false;
    }

    var counts = t.counts || {};
    var total = 0;
    options.forEach(function (o) { total += Number(counts[o.id]) || 0; });
    /* With several picks each, a bar is the share of voters who picked it. */
    if (several) total = Number(t.voters) || 0;
    options.forEach(function (o) {
      var row = $('bars').querySelector('[data-option="' + cssEscape(o.id) + '"]');
      if (!row) return;
      var n = Number(counts[o.id]) || 0;
      var pct = total > 0 ? Math.round(n * 100 / total) : 0;
      row.querySelector('.count').textContent = String(n);
      row.querySelector('.pct').textContent = pct + '%';
      row.querySelector('.fill').style.width = pct + '%';
      row.setAttribute('aria-label', o.label + ': ' + n + ' votes, ' + pct + ' percent');
    });

    var reveal = $('reveal-button');
    reveal.textContent = t.revealed ? 'Hide' : 'Reveal';
    reveal.dataset.action = t.revealed ? 'hide' : 'reveal';
  }

  /* "37 of 41 voted, 4 to go" while the room may see results; the console
   * shows it always. */
  function renderProgress(voters, hidden) {
    var el = $('progress');
    var n = app.people.participants;
    el.hidden = hidden || n <= 0;
    el.textContent = voters >= n ? (n === 1 ? '1 of 1 voted: everyone' : 'All ' + n + ' have voted')
      : voters + ' of ' + n + ' voted, ' + (n - voters) + ' to go';
  }

  function cssEscape(s) {
    return window.CSS && CSS.escape ? CSS.escape(s) : String(s).replace(/["\\]/g, '\\$&');
  }

  function buildBars(options, kind) {
    var box = $('bars');
    box.textContent = '';
    options.forEach(function (o, i) {
      var row = document.createElement('div');
      row.className = 'bar-row bar-' + (i % 4);
      row.dataset.option = o.id;
      if (/^[A-Za-z0-9_-]+$/.test(o.id)) row.id = 'bar-' + o.id;
      row.setAttribute('role', 'group');
      var label = document.createElement('span');
      label.className = 'label';
      label.textContent = kind === 'yesno' ? String(o.label).toUpperCase() : String(o.label);
      var track = document.createElement('span');
      track.className = 'track';
      var fill = document.createElement('span');
      fill.className = 'fill';
      track.appendChild(fill);
      var count = document.createElement('span');
      count.className = 'count';
      count.textContent = '0';
      var pct = document.createElement('span');
      pct.className = 'pct';
      pct.textContent = '0%';
      row.appendChild(label);
      row.appendChild(track);
      row.appendChild(count);
      row.appendChild(pct);
      box.appendChild(row);
    });
  }

  function updateControls(kind, poll) {
    Array.prototype.forEach.call(document.querySelectorAll('#controls [data-needs]'), function (b) {
      var need = b.dataset.needs;
      b.disabled = need === 'poll' ? !poll : kind !== need;
    });
  }

  /* ---- countdown ---------------------------------------------------------- */

  function formatClock(ms) {
    var s = Math.ceil(ms / 1000);
    var m = Math.floor(s / 60);
    s = s % 60;
    return (m < 10 ? '0' : '') + m + ':' + (s < 10 ? '0' : '') + s;
  }

  function updateCountdown() {
    var d = app.state && app.state.slide && app.state.slide.discuss;
    var el = $('countdown');
    if (!d || !d.seconds) {
      el.hidden = true;
      return;
    }
    var ms = d.running && typeof d.endsAt === 'number'
      ? d.endsAt - (Date.now() + app.offset) : (Number(d.remaining) || 0) * 1000;
    if (ms < 0) ms = 0;
    el.hidden = false;
    el.textContent = ms > 0 ? formatClock(ms) : "Time\u2019s up";
    el.classList.toggle('is-done', ms <= 0);
    el.classList.toggle('is-paused', !d.running && ms > 0);
  }

  function startTick() {
    updateCountdown();
    if (!app.tick) app.tick = setInterval(updateCountdown, 250);
  }
  function stopTick() {
    clearInterval(app.tick);
    app.tick = null;
  }

  /* ---- local screen things: toast, blank, overlays, full screen ---------- */

  function toast(text) {
    var el = $('toast');
    el.textContent = text;
    el.hidden = false;
    clearTimeout(app.toastTimer);
    app.toastTimer = setTimeout(function () { el.hidden = true; }, TOAST_MS);
  }

  /* Blank is the room's, not this window's: every projector and console
   * shows it, and a change of slide ends it (docs/protocol.md). */
  function toggleBlank() {
    command({ type: 'blank', on: $('blank').hidden });
  }

  /* The speaker console, in a window of its own (one per session: S again
   * brings it to the front).  Export and help live there, out of the
   * room's sight. */
  function openConsole() {
    if (!app.code || !app.key) return;
    var url = '/present/#' + encodeURIComponent(app.code) + '/' + encodeURIComponent(app.key) + '/console';
    var w = window.open(url, 'handsup-console-' + app.code);
    if (w) w.focus(); else toast('The browser blocked the console window: allow pop-ups for this page.');
  }

  function toggleFullscreen() {
    var d = document;
    try {
      if (d.fullscreenElement || d.webkitFullscreenElement) {
        (d.exitFullscreen || d.webkitExitFullscreen).call(d);
      } else {
        var el = d.documentElement;
        var p = (el.requestFullscreen || el.webkitRequestFullscreen).call(el);
        if (p && p.catch) p.catch(function () { toast('Full screen is not available here.'); });
      }
    } catch (e) {
      toast('Full screen is not available here.');
    }
  }

  /* ---- actions: keyboard and buttons share one table ------------------------ */

  function gotoSlide(i) {
    var st = app.state;
    var count = st && st.slide ? Number(st.slide.count) : 0;
    if (!count) return;
    command({ type: 'goto', slide: Math.max(0, Math.min(count - 1, i)) });
  }

  function act(action) {
    switch (action) {
    case 'next': command({ type: 'next' }); break;
    case 'prev': command({ type: 'prev' }); break;
    case 'first': gotoSlide(0); break;
    case 'last': gotoSlide(app.state && app.state.slide ? Number(app.state.slide.count) - 1 : 0); break;
    case 'open': command({ type: 'open' }); break;
    case 'close': command({ type: 'close' }); break;
    case 'reveal': command({ type: 'reveal' }); break;
    case 'hide': command({ type: 'hide' }); break;
    case 'toggle-reveal': {
      var p = app.state && app.state.poll;
      var t = p ? tallyFor(p.id) : null;
      command({ type: t && t.revealed ? 'hide' : 'reveal' });
      break;
    }
    case 'timer': command({ type: 'timer', action: 'start' }); break;
    case 'blank': toggleBlank(); break;
    case 'fullscreen': toggleFullscreen(); break;
    case 'console': openConsole(); break;
    default: break;
    }
  }

  var KEYS = {
    ArrowRight: 'next', ' ': 'next', Spacebar: 'next', PageDown: 'next',
    ArrowLeft: 'prev', PageUp: 'prev',
    Home: 'first', End: 'last',
    f: 'fullscreen', F: 'fullscreen',
    o: 'open', O: 'open',
    c: 'close', C: 'close',
    r: 'toggle-reveal', R: 'toggle-reveal',
    b: 'blank', B: 'blank', '.': 'blank',
    t: 'timer', T: 'timer',
    s: 'console', S: 'console', '?': 'console', e: 'console', E: 'console'
  };

  document.addEventListener('keydown', function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.defaultPrevented) return;
    var tag = ev.target && ev.target.tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || !$('login').hidden) return;
    /* The moderation view is a page of buttons, not a projector. */
    if (app.mode === 'moderate') return;
    if (ev.key === 'Escape') {
      if (!$('blank').hidden) { toggleBlank(); ev.preventDefault(); }
      return;
    }
    var action = KEYS[ev.key];
    if (!action) return;
    /* Space and Enter on a focused button press it; do not also step. */
    if (ev.key === ' ' && tag === 'BUTTON') return;
    if (!$('blank').hidden && action !== 'blank' && action !== 'console') toggleBlank();
    ev.preventDefault();
    act(action);
  });

  document.addEventListener('click', function (ev) {
    var b = ev.target.closest && ev.target.closest('button');
    if (!b) return;
    if (b.dataset.action) act(b.dataset.action);
    /* After a mouse click, give the keyboard back to the slide: Space must
     * step to the next slide, not press the last clicked button again. */
    if (ev.detail > 0 && b.closest('#controls')) b.blur();
  });

  $('blank').addEventListener('click', toggleBlank);

  var resizeTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(fitSlide, 100);
  });

  /* ---- start ----------------------------------------------------------------- */

  window.HandsupModerate.init({ command: command });

  function start(creds) {
    app.code = creds.code;
    app.key = creds.key;
    app.joined = false;
    app.state = null;
    app.tallies = {};
    app.answers = null;
    app.questions = null;
    showStage();
    setConnStatus('connecting');
    conn.start(); /* connects if needed; an open socket joins at once */
    if (conn.isOpen()) conn.send({ type: 'join', code: app.code, key: app.key });
  }

  $('login-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var code = normalizeCode($('login-code').value);
    var key = $('login-key').value.trim();
    if (!/^\d{8}$/.test(code)) { showLogin('The join code has 8 digits.'); return; }
    if (!key) { showLogin('Enter the presenter key.'); return; }
    saveCredentials(code, key);
    $('login-key').value = '';
    start({ code: code, key: key });
  });

  window.addEventListener('hashchange', function () {
    var creds = readCredentials();
    if (creds) start(creds);
  });

  var creds = readCredentials();
  if (creds) start(creds);
  else showLogin('');
})();
