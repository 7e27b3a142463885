/* present.js -- the presenter view: slides for the projector, live tallies,
 * keyboard and on-screen control of the room.
 *
 * It renders only from what the server sends (welcome deck, state, tally),
 * never from its own commands, so two presenter windows on one session always
 * show the same thing.  Code and key come from the URL fragment
 * (#<code>/<key>) or a small form and live in sessionStorage.  Its words
 * are the deck's language's (words.js); the result bars are bars.js's. */
(function () {
  'use strict';

  if (window.HANDSUP_ROUTED) return; /* route.js is opening the console instead */

  var TOAST_MS = 4000;

  var W = window.HandsupProjectorWords;
  var tr = W.t;

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
    toastTimer: null,
    mode: 'present',    /* or 'moderate': the moderation view (moderate.js) */
    answers: null,      /* the last "answers" message (the current text poll's answers) */
    questions: null     /* the last "questions" message (every audience question) */
  };
  var PK = window.HandsupPresentKinds;

  function formatCode(c) { return c && c.length === 8 ? c.slice(0, 4) + ' ' + c.slice(4) : String(c || ''); }
  function normalizeCode(s) { return String(s || '').replace(/[\s\u00a0-]/g, ''); }

  /* ---- credentials (creds.js) -------------------------------------------- */

  var Creds = window.HandsupCreds;

  function readCredentials() { var c = Creds.read(); app.mode = Creds.mode(); return c; }

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
    el.textContent = W.connState(s);
    $('mod-conn').dataset.state = s;
    $('mod-conn').textContent = el.textContent;
  }

  function command(msg) {
    if (!app.joined || !conn.send(msg)) toast(tr('conn.notSent'));
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
      Creds.forget();
      app.key = null;
      showLogin(tr('login.wrongKey', { code: formatCode(app.code) }));
      return;
    }
    if (code === 'unknown_session' && !app.joined) {
      conn.stop();
      Creds.forget();
      showLogin(tr('login.unknown', { code: formatCode(app.code) }));
      return;
    }
    if (code === 'not_joined' && app.code && app.key) {
      conn.send({ type: 'join', code: app.code, key: app.key });
      return;
    }
    toast(W.errorText(code, msg.message));
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
    if (window.HandsupLook) window.HandsupLook.deck(app.deck || s, $('deck-logo'));
    /* The words follow the deck's language; a reload may have changed it. */
    W.use(s.lang || (app.deck && app.deck.lang) || null).then(renderWords, renderWords);
  }

  /* Everything written in the deck's language, again when it changes. */
  function renderWords() {
    var s = app.session || {};
    var title = $('session-title').textContent;
    document.title = (title ? title + ' \u2013 ' : '') + tr('projector.title');
    $('mod-session').textContent = tr('projector.modSession', { title: s.title || '', code: formatCode(app.code) });
    setConnStatus($('conn-status').dataset.state);
    renderRun(s.run);
    renderPeople();
    app.barsKey = null;
    render();
  }

  /* Which run is live and since when (DESIGN section 10): a deck served
   * again must not pass yesterday's room off as today's.  A resumed run
   * says so once, in a toast, when the view opens on it. */
  function renderRun(run) {
    var el = $('run-line');
    if (!run || typeof run.number !== 'number') { el.textContent = ''; return; }
    var words = W.run(run);
    el.textContent = words.line;
    el.title = words.title;
    var key = app.code + '/' + run.number + '/' + run.startedAt;
    if (run.resumed && app.runToasted !== key) {
      app.runToasted = key;
      toast(words.toast);
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
    $('people').textContent = tr('projector.people', { count: app.people.participants });
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
    $('slide-index').textContent = tr('console.slideOf', { n: idx + 1, count: count });

    var fresh = idx !== app.shownIndex;
    if (fresh) {
      app.shownIndex = idx;
      app.barsKey = null;
      var html = typeof ds.html === 'string' ? ds.html : (st.slide.html || '');
      $('slide-body').innerHTML = html;
      Array.prototype.forEach.call($('slide-body').querySelectorAll('img'), function (img) {
        img.addEventListener('load', fitSlide);
      });
      var pageLabel = tr('projector.pageLabel', { n: idx + 1, count: count });
      if (window.HandsupLook) window.HandsupLook.slide(slideEl, $('slide-body'), ds, idx, count, pageLabel);
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
    var barred = poll.kind === 'choice' || poll.kind === 'yesno' ? options : [];
    if (key !== app.barsKey) {
      app.barsKey = key;
      window.HandsupBars.build($('bars'), barred, poll.kind);
    }
    var status = t.status || poll.status || 'pending';
    var ps = $('poll-state');
    ps.dataset.status = status;
    ps.textContent = W.pollState(status);

    var joined = app.people.participants, voted = t.voters || 0, connected = app.people.connected;
    $('joined-count').textContent = W.num(joined);
    $('joined-label').textContent = tr('people.joined', { count: joined });
    $('voted-count').textContent = W.num(voted);
    $('voted-label').textContent = tr('people.voted', { count: voted });
    $('connected-count').textContent = W.num(connected);
    $('connected-label').textContent = tr('people.connected', { count: connected });

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
      $('kind-note').textContent = tr('projector.several', { count: Number(poll.multiple), voters: t.voters || 0 });
      $('kind-note').hidden = false;
    }
    window.HandsupBars.update($('bars'), barred, poll.kind, t, several);

    var reveal = $('reveal-button');
    reveal.textContent = tr(t.revealed ? 'console.hide' : 'console.reveal');
    reveal.dataset.action = t.revealed ? 'hide' : 'reveal';
  }

  /* "37 of 41 voted, 4 to go" while the room may see results; the console
   * shows it always. */
  function renderProgress(voters, hidden) {
    var el = $('progress');
    var n = app.people.participants;
    el.hidden = hidden || n <= 0;
    el.textContent = W.progress(voters, n);
  }

  function updateControls(kind, poll) {
    Array.prototype.forEach.call(document.querySelectorAll('#controls [data-needs]'), function (b) {
      var need = b.dataset.needs;
      b.disabled = need === 'poll' ? !poll : kind !== need;
    });
  }

  /* ---- countdown (countdown.js) ------------------------------------------ */

  function startTick() {
    window.HandsupCountdown.start($('countdown'), function () {
      return { discuss: app.state && app.state.slide && app.state.slide.discuss, offset: app.offset };
    });
  }
  function stopTick() { window.HandsupCountdown.stop(); }

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
    if (w) w.focus(); else toast(tr('projector.popupBlocked'));
  }

  function toggleFullscreen() {
    var d = document;
    try {
      if (d.fullscreenElement || d.webkitFullscreenElement) {
        (d.exitFullscreen || d.webkitExitFullscreen).call(d);
      } else {
        var el = d.documentElement;
        var p = (el.requestFullscreen || el.webkitRequestFullscreen).call(el);
        if (p && p.catch) p.catch(function () { toast(tr('projector.noFullscreen')); });
      }
    } catch (e) {
      toast(tr('projector.noFullscreen'));
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
    if (!/^\d{8}$/.test(code)) { showLogin(tr('login.eightDigits')); return; }
    if (!key) { showLogin(tr('login.needKey')); return; }
    Creds.save(code, key);
    $('login-key').value = '';
    start({ code: code, key: key });
  });

  window.addEventListener('hashchange', function () {
    var creds = readCredentials();
    if (creds) start(creds);
  });

  /* English until the welcome names the deck's language. */
  var creds = readCredentials();
  W.use(null);
  if (creds) start(creds);
  else showLogin('');
})();
