/* console.js -- the speaker console: the facilitator's own screen.
 *
 * Opened with S from the projector view (/present/#<code>/<key>/console).
 * It shows what the room sees and what it does not: the current slide, the
 * next one rendered, the speaker notes, a clock and the time since the talk
 * began, the discussion timer with its controls, the live results even while
 * they are hidden from the room, and how many have voted.  Every command goes
 * to the server, and everything shown comes back from it (room.js), so the
 * projector, this console and any other presenter window stay in step.
 *
 * Keys: a clicker's PageUp/PageDown (and the arrows and Space) step, B or .
 * blanks the projector; they work with any box of this window open.  Export,
 * help and the reset question live here, never on the projector. */
(function () {
  'use strict';

  var TOAST_MS = 4000;
  var ELAPSED_PREFIX = 'handsup.console.start.';
  var I18N_BASE = '/present/i18n/';

  function $(id) { return document.getElementById(id); }

  var ui = {
    cat: null,            /* the catalogue of the deck's language */
    lang: 'en',
    shown: { now: -2, next: -2 },
    barsKey: null,
    tick: null,
    toastTimer: null,
    lastFocus: null,
    started: 0,           /* when the talk began (ms, our clock), for "elapsed" */
    connState: 'connecting'
  };

  function t(key, params) { return ui.cat ? ui.cat.t(key, params) : key; }

  var room = new window.HandsupRoom.Room({
    onChange: onChange,
    onError: function (msg) {
      toast(ui.cat && ui.cat.has('error.' + msg.code) ? t('error.' + msg.code)
        : (msg.message ? String(msg.message) : t('error.other')));
    },
    onLogin: function (code) {
      showLogin(t(code === 'forbidden' ? 'login.wrongKey' : 'login.unknown',
        { code: window.HandsupRoom.formatCode(room.code) }));
    },
    onStatus: setConnStatus
  });

  /* ---- language ------------------------------------------------------------ */

  /* The console speaks the deck's language ("lang:" in its front matter),
   * like the projector; English when the deck names none. */
  function useLanguage(tag) {
    var lang = window.HandsupI18n.supported(tag) || 'en';
    if (ui.cat && ui.cat.lang === lang) return Promise.resolve();
    return window.HandsupI18n.load(I18N_BASE, lang).then(function (cat) {
      ui.cat = cat;
      cat.apply(document);
      ui.barsKey = null;
      setConnStatus(ui.connState);
      setTitle();
      render();
    });
  }

  /* ---- connection and login ------------------------------------------------ */

  function setConnStatus(s) {
    ui.connState = s;
    var el = $('conn-status');
    el.dataset.state = s;
    el.textContent = t(s === 'joined' ? 'conn.joined' : s === 'closed' ? 'conn.closed' : 'conn.connecting');
  }

  function command(msg) {
    if (!room.send(msg)) toast(t('conn.notSent'));
  }

  function showLogin(error) {
    $('console').hidden = true;
    $('login').hidden = false;
    if (room.code) $('login-code').value = window.HandsupRoom.formatCode(room.code);
    var el = $('login-error');
    el.textContent = error || '';
    el.hidden = !error;
    (room.code ? $('login-key') : $('login-code')).focus();
  }

  function start(creds) {
    $('login').hidden = true;
    $('console').hidden = false;
    var saved = null;
    try { saved = Number(localStorage.getItem(ELAPSED_PREFIX + creds.code)); } catch (e) { /* none */ }
    ui.started = saved > 0 ? saved : 0;
    room.start(creds.code, creds.key);
    if (!ui.tick) ui.tick = setInterval(tick, 250);
  }

  /* ---- rendering ------------------------------------------------------------- */

  function onChange(r, what) {
    if (what === 'welcome') {
      $('console-title').textContent = r.session.title || r.deck.title || '';
      $('console-code').textContent = window.HandsupRoom.formatCode(r.session.code || r.code);
      setTitle();
      ui.shown = { now: -2, next: -2 };
      ui.barsKey = null;
      useLanguage(r.session.lang);
      /* Moderation: when the deck has open answers or takes questions. */
      var slides = (r.deck && r.deck.slides) || [];
      $('moderate-button').hidden = !(r.session.qa && r.session.qa !== 'off') &&
        !slides.some(function (sl) { return sl && sl.poll && sl.poll.kind === 'text'; });
    }
    if (what === 'state' && !ui.started && r.state && r.state.slide && r.state.slide.index > 0) {
      /* The talk began when the room first left the title slide. */
      resetElapsed();
    }
    render();
  }

  function setTitle() {
    var title = room.session.title || room.deck.title || '';
    document.title = (title ? title + ' \u2013 ' : '') + t('console.windowTitle');
  }

  function render() {
    var st = room.state;
    if (!st || !st.slide || !ui.cat) return;
    var idx = Number(st.slide.index) || 0;
    var count = Number(st.slide.count) || (room.deck.slides || []).length;
    $('slide-index').textContent = t('console.slideOf', { n: idx + 1, count: count });
    if (ui.shown.now !== idx) {
      ui.shown.now = idx;
      fillMini($('now-slide'), room.slide(idx), st.slide.html);
      renderNotes(room.slide(idx));
    }
    var nextIdx = idx + 1 < count ? idx + 1 : -1;
    if (ui.shown.next !== nextIdx) {
      ui.shown.next = nextIdx;
      $('next-frame').hidden = nextIdx < 0;
      $('next-end').hidden = nextIdx >= 0;
      $('next-index').textContent = nextIdx < 0 ? '' : t('console.slideOf', { n: nextIdx + 1, count: count });
      if (nextIdx >= 0) fillMini($('next-slide'), room.slide(nextIdx), '');
    }
    $('blank-badge').hidden = !st.blank;
    $('blank-button').setAttribute('aria-pressed', st.blank ? 'true' : 'false');
    $('blank-button').textContent = t(st.blank ? 'console.unblank' : 'console.blank');
    var kind = st.slide.kind || 'content';
    var d = st.slide.discuss;
    $('timer-panel').hidden = !(kind === 'discuss' && d && d.seconds > 0);
    renderPoll();
    renderPeople();
    tick();
  }

  /* A slide drawn as the projector draws it, scaled into its frame. */
  function fillMini(mini, ds, fallbackHtml) {
    var body = mini.querySelector('.slide-body');
    body.innerHTML = ds && typeof ds.html === 'string' ? ds.html : (fallbackHtml || '');
    mini.dataset.kind = (ds && ds.kind) || 'content';
    /* Only the projector's copy is for the room: links here would take the
     * facilitator away from the console. */
    Array.prototype.forEach.call(body.querySelectorAll('a'), function (a) { a.tabIndex = -1; });
    scaleMini(mini);
  }

  function scaleMini(mini) {
    var frame = mini.parentNode;
    var w = frame.clientWidth;
    if (w > 0) mini.style.transform = 'scale(' + (w / 1600) + ')';
  }

  function renderNotes(ds) {
    var html = ds && typeof ds.notesHtml === 'string' ? ds.notesHtml : '';
    $('notes').innerHTML = html; /* rendered by the server's safe Markdown renderer */
    $('notes').hidden = !html;
    $('notes-none').hidden = !!html;
  }

  function renderPoll() {
    var p = room.state && room.state.poll;
    $('poll-panel').hidden = !p;
    if (!p) return;
    var tl = room.tallyFor(p.id);
    var options = p.options || [];
    var key = p.id + '\n' + JSON.stringify(options) + '\n' + ui.cat.lang;
    if (key !== ui.barsKey) {
      ui.barsKey = key;
      buildBars(options, p.kind);
    }
    var status = tl.status || p.status || 'pending';
    $('poll-state').dataset.status = status;
    $('poll-state').textContent = t('poll.' + status);
    var hidden = !!tl.resultsHidden && !tl.revealed;
    $('hidden-badge').hidden = !hidden;
    $('reveal-button').dataset.action = tl.revealed ? 'hide' : 'reveal';
    $('reveal-button').textContent = t(tl.revealed ? 'console.hide' : 'console.reveal');
    $('progress').textContent = progressText(tl.voters || 0, room.people.participants);

    var counts = tl.counts || {};
    var total = 0;
    options.forEach(function (o) { total += Number(counts[o.id]) || 0; });
    options.forEach(function (o) {
      var row = $('bars').querySelector('[data-option="' + cssEscape(o.id) + '"]');
      if (!row) return;
      var n = Number(counts[o.id]) || 0;
      var pct = total > 0 ? Math.round(n * 100 / total) : 0;
      row.querySelector('.count').textContent = ui.cat.formatNumber(n);
      row.querySelector('.pct').textContent = t('console.percent', { pct: pct });
      row.querySelector('.fill').style.width = pct + '%';
      row.setAttribute('aria-label', t('console.barLabel', { label: o.label, count: n, pct: pct }));
    });
  }

  /* "37 of 41 voted, 4 to go": voters against everyone who joined. */
  function progressText(voters, joined) {
    if (joined <= 0) return t('progress.nobody');
    if (voters >= joined) return t('progress.all', { count: voters });
    return t('progress.some', { voters: voters, count: joined, left: joined - voters });
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
      row.setAttribute('role', 'group');
      var label = document.createElement('span');
      label.className = 'label';
      label.textContent = kind === 'yesno' ? t('option.' + o.id) : String(o.label);
      var track = document.createElement('span');
      track.className = 'track';
      var fill = document.createElement('span');
      fill.className = 'fill';
      track.appendChild(fill);
      var count = document.createElement('span');
      count.className = 'count';
      var pct = document.createElement('span');
      pct.className = 'pct';
      row.appendChild(label);
      row.appendChild(track);
      row.appendChild(count);
      row.appendChild(pct);
      box.appendChild(row);
    });
  }

  function renderPeople() {
    var n = room.people.participants;
    var c = room.people.connected;
    $('joined-count').textContent = ui.cat.formatNumber(n);
    $('joined-label').textContent = t('people.joined', { count: n });
    $('connected-count').textContent = ui.cat.formatNumber(c);
    $('connected-label').textContent = t('people.connected', { count: c });
    renderPollProgressOnly();
  }

  function renderPollProgressOnly() {
    var p = room.state && room.state.poll;
    if (p) $('progress').textContent = progressText(room.tallyFor(p.id).voters || 0, room.people.participants);
  }

  /* ---- clocks: four times a second ----------------------------------------- */

  function tick() {
    if (!ui.cat) return;
    var now = Date.now();
    $('clock').textContent = ui.cat.formatTime(now);
    $('elapsed').textContent = ui.cat.formatDuration(ui.started ? now - ui.started : 0);
    var st = room.state;
    var d = st && st.slide && st.slide.discuss;
    if (!d || !d.seconds) return;
    var ms = d.running && typeof d.endsAt === 'number' ? d.endsAt - room.now() : (Number(d.remaining) || 0) * 1000;
    if (ms < 0) ms = 0;
    var el = $('timer');
    el.textContent = ms > 0 ? ui.cat.formatDuration(ms) : t('timer.up');
    el.dataset.state = ms <= 0 ? 'done' : d.running ? 'running' : 'paused';
    var toggle = $('timer-toggle');
    toggle.dataset.action = d.running ? 'timer-pause' : 'timer-resume';
    toggle.textContent = t(d.running ? 'console.pause' : 'console.resume');
  }

  function resetElapsed() {
    ui.started = Date.now();
    try { localStorage.setItem(ELAPSED_PREFIX + room.code, String(ui.started)); } catch (e) { /* this tab only */ }
    tick();
  }

  /* ---- boxes and messages ---------------------------------------------------- */

  var OVERLAYS = ['help', 'export-menu', 'reset-confirm'];

  function toast(text) {
    var el = $('toast');
    el.textContent = text;
    el.hidden = false;
    clearTimeout(ui.toastTimer);
    ui.toastTimer = setTimeout(function () { el.hidden = true; }, TOAST_MS);
  }

  function openOverlay(id) {
    closeOverlays();
    ui.lastFocus = document.activeElement;
    $(id).hidden = false;
    var first = $(id).querySelector('button');
    if (first) first.focus();
  }

  function closeOverlays() {
    var any = false;
    OVERLAYS.forEach(function (id) {
      if (!$(id).hidden) { $(id).hidden = true; any = true; }
    });
    if (any && ui.lastFocus && ui.lastFocus.focus) ui.lastFocus.focus();
    return any;
  }

  function toggleOverlay(id) {
    if ($(id).hidden) openOverlay(id); else closeOverlays();
  }

  /* The key travels in an Authorization header, never in a URL, and the file
   * is saved from a Blob so no request line ever carries it. */
  function exportResults(fmt) {
    var status = $('export-status');
    status.textContent = t('export.preparing', { format: fmt.toUpperCase() });
    /* answers and questions: the text of every text poll, the audience's questions. */
    var list = fmt === 'answers' || fmt === 'questions';
    var url = '/api/sessions/' + encodeURIComponent(room.code) + '/' + (list ? fmt + '.csv' : 'results.' + fmt);
    fetch(url, { headers: { Authorization: 'Bearer ' + room.key }, cache: 'no-store', credentials: 'omit' })
      .then(function (res) {
        if (!res.ok) throw new Error(t(res.status === 401 ? 'export.refused' : res.status === 404 ? 'export.noSession' : 'export.status', { status: res.status }));
        return res.blob();
      })
      .then(function (blob) {
        var a = document.createElement('a');
        var href = URL.createObjectURL(blob);
        a.href = href;
        a.download = 'handsup-' + room.code + (list ? '-' + fmt + '.csv' : '.' + fmt);
        a.hidden = true;
        document.body.appendChild(a);
        a.click();
        setTimeout(function () { URL.revokeObjectURL(href); a.remove(); }, 1000);
        status.textContent = t('export.saved', { file: a.download });
      })
      .catch(function (err) {
        status.textContent = t('export.failed', { reason: err && err.message ? err.message : t('export.network') });
      });
  }

  /* ---- actions ------------------------------------------------------------------ */

  function slideCount() { return room.state && room.state.slide ? Number(room.state.slide.count) || 0 : 0; }

  function act(action) {
    var st = room.state;
    switch (action) {
    case 'next': command({ type: 'next' }); break;
    case 'prev': command({ type: 'prev' }); break;
    case 'first': command({ type: 'goto', slide: 0 }); break;
    case 'last': if (slideCount()) command({ type: 'goto', slide: slideCount() - 1 }); break;
    case 'blank': command({ type: 'blank', on: !(st && st.blank) }); break;
    case 'open': command({ type: 'open' }); break;
    case 'close': command({ type: 'close' }); break;
    case 'reveal': command({ type: 'reveal' }); break;
    case 'hide': command({ type: 'hide' }); break;
    case 'toggle-reveal': {
      var p = st && st.poll;
      command({ type: p && room.tallyFor(p.id).revealed ? 'hide' : 'reveal' });
      break;
    }
    case 'reset': if (st && st.poll) openOverlay('reset-confirm'); break;
    case 'reset-confirmed': closeOverlays(); command({ type: 'reset' }); break;
    case 'timer-add': command({ type: 'timer', action: 'add', seconds: 60 }); break;
    case 'timer-sub': command({ type: 'timer', action: 'add', seconds: -60 }); break;
    case 'timer-pause': command({ type: 'timer', action: 'pause' }); break;
    case 'timer-resume': command({ type: 'timer', action: 'resume' }); break;
    case 'timer-toggle': {
      var d = st && st.slide && st.slide.discuss;
      command({ type: 'timer', action: d && d.running ? 'pause' : 'resume' });
      break;
    }
    case 'timer-start': command({ type: 'timer', action: 'start' }); break;
    case 'elapsed-reset': resetElapsed(); break;
    case 'export': toggleOverlay('export-menu'); break;
    case 'moderate':
      /* The moderation view, in a window of its own: the key stays in the fragment. */
      window.open('/present/#' + room.code + '/' + encodeURIComponent(room.key) + '/moderate', 'handsup-moderate');
      break;
    case 'help': toggleOverlay('help'); break;
    case 'close-overlay': closeOverlays(); break;
    default: break;
    }
  }

  /* Keys that step or blank: a clicker sends these, and they must work
   * whatever box is open, as the room is waiting for the next slide. */
  var CLICKER = {
    PageDown: 'next', PageUp: 'prev', ArrowRight: 'next', ArrowLeft: 'prev', ArrowDown: 'next', ArrowUp: 'prev',
    ' ': 'next', Spacebar: 'next', Home: 'first', End: 'last', b: 'blank', B: 'blank', '.': 'blank'
  };
  var KEYS = {
    o: 'open', O: 'open', c: 'close', C: 'close', r: 'toggle-reveal', R: 'toggle-reveal',
    '+': 'timer-add', '=': 'timer-add', '-': 'timer-sub', '_': 'timer-sub',
    p: 'timer-toggle', P: 'timer-toggle', t: 'timer-start', T: 'timer-start',
    e: 'export', E: 'export', '?': 'help'
  };

  function anyOverlay() {
    return OVERLAYS.some(function (id) { return !$(id).hidden; });
  }

  document.addEventListener('keydown', function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.defaultPrevented) return;
    var tag = ev.target && ev.target.tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || !$('login').hidden) return;
    if (ev.key === 'Escape') {
      if (closeOverlays()) ev.preventDefault();
      return;
    }
    var action = CLICKER[ev.key];
    /* Space on a focused button presses it, as everywhere else. */
    if (action && ev.key === ' ' && tag === 'BUTTON') return;
    if (!action) {
      action = KEYS[ev.key];
      /* Other keys wait while a box is open, except the one that closes it. */
      if (!action || (anyOverlay() && action !== 'help' && action !== 'export')) return;
    }
    ev.preventDefault();
    act(action);
  });

  document.addEventListener('click', function (ev) {
    var b = ev.target.closest && ev.target.closest('button');
    if (!b) return;
    if (b.dataset.export) exportResults(b.dataset.export);
    else if (b.dataset.action) act(b.dataset.action);
  });

  OVERLAYS.forEach(function (id) {
    $(id).addEventListener('click', function (ev) { if (ev.target === $(id)) closeOverlays(); });
  });

  window.addEventListener('resize', function () {
    scaleMini($('now-slide'));
    scaleMini($('next-slide'));
  });

  $('login-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var code = window.HandsupRoom.normalizeCode($('login-code').value);
    var key = $('login-key').value.trim();
    if (!/^\d{8}$/.test(code)) { showLogin(t('login.eightDigits')); return; }
    if (!key) { showLogin(t('login.needKey')); return; }
    window.HandsupRoom.saveCredentials(code, key);
    $('login-key').value = '';
    start({ code: code, key: key });
  });

  window.addEventListener('hashchange', function () {
    var creds = window.HandsupRoom.readCredentials();
    if (creds) start(creds);
  });

  /* English first, so the login form and the first frame have words; the
   * deck's language follows with the welcome. */
  useLanguage('en').then(function () {
    var creds = window.HandsupRoom.readCredentials();
    if (creds) start(creds); else showLogin('');
  });
})();
