/* app.js -- the attendee page: join with a code, follow the room, vote.
 *
 * Speaks docs/protocol.md over /conn.js.  Everything on screen is drawn from
 * the last server "state" plus the one vote (or answer) this phone may have
 * in flight, so a reload, a locked phone or a Wi-Fi drop only has to rejoin
 * (with the participant token kept in localStorage) to show the right thing
 * again.  How each poll kind looks is kinds.js's; the Questions tab is
 * qa.js's.  Every word comes from the language's catalogue through
 * lang.js (web/i18n/<lang>.json), and the page is drawn again when the
 * language changes. */
(function () {
  'use strict';

  var TOKEN_PREFIX = 'handsup.participant.';
  var ERROR_SHOW_MS = 8000;

  /* The catalogue's sentence for each of the server's machine codes; the
   * keys are written out whole so the catalogue test can see them used. */
  var ERROR_KEYS = {
    poll_closed: 'error.poll_closed',
    unknown_poll: 'error.unknown_poll',
    store_failed: 'error.store_failed',
    rate_limited: 'error.rate_limited',
    server_busy: 'error.server_busy',
    too_large: 'error.too_large',
    internal: 'error.internal',
    too_long: 'error.too_long',
    limit_reached: 'error.limit_reached',
    qa_closed: 'error.qa_closed',
    bad_message: 'error.bad_message'
  };
  var K = window.HandsupKinds;
  var L = window.HandsupLang;
  var t = L.t;
  /* Codes and addresses stay left to right inside a right-to-left sentence
   * (isolated with LRI ... PDI; a left-to-right sentence needs no marks). */
  function LTR(s) {
    var cat = L.catalogue();
    return cat && cat.dir === 'rtl' ? '\u2066' + s + '\u2069' : s;
  }

  function errorText(code) {
    return t(Object.prototype.hasOwnProperty.call(ERROR_KEYS, code) ? ERROR_KEYS[code] : 'error.other');
  }

  function $(id) { return document.getElementById(id); }

  var app = {
    code: null,       /* the 8-digit session we want to be in */
    joined: false,    /* a welcome arrived on the current connection */
    everJoined: false,
    gen: 0,           /* counts welcomes, so a vote knows on which connection it went out */
    state: null,      /* the last server state */
    version: -1,
    offset: 0,        /* server clock minus ours, in ms */
    myVote: null,     /* the vote the server has, for the current poll: an option id, an
                         array of them (several picks), a number (a scale), or null */
    pending: null,    /* {poll, choice, id, gen}: sent or waiting to be sent, no ack yet;
                         choice has myVote's form */
    answering: null,  /* {poll, text, id}: an answer sent, no ack yet */
    withdrawing: {},  /* request id -> answer id */
    myAnswers: [],    /* this phone's answers to the current text poll */
    nextId: 1,
    pollKey: null,    /* poll id + options the buttons were built for */
    tick: null,
    errorTimer: null
  };

  function normalizeCode(s) { return window.HandsupI18n.latinDigits(s).replace(/[\s\u00a0-]/g, ''); }
  function formatCode(c) { return c.length === 8 ? c.slice(0, 4) + ' ' + c.slice(4) : c; }

  function loadToken(code) {
    try { return localStorage.getItem(TOKEN_PREFIX + code); } catch (e) { return null; }
  }
  function saveToken(code, token) {
    try { localStorage.setItem(TOKEN_PREFIX + code, token); } catch (e) { /* private mode: identity lasts for this page only */ }
  }

  /* ---- views ---------------------------------------------------------- */

  var VIEWS = ['join-view', 'connecting-view', 'waiting', 'discuss-view', 'poll-view'];

  function showView(id) {
    VIEWS.forEach(function (v) { $(v).hidden = v !== id; });
    if (id !== 'discuss-view') stopTick();
  }

  function announce(text) {
    var el = $('announce');
    el.textContent = '';
    /* A fresh text node a moment later makes screen readers speak it even
     * when it repeats the previous announcement. */
    setTimeout(function () { el.textContent = text; }, 60);
  }

  function showError(text) {
    var el = $('action-error');
    el.textContent = text;
    el.hidden = false;
    clearTimeout(app.errorTimer);
    app.errorTimer = setTimeout(hideError, ERROR_SHOW_MS);
  }
  function hideError() {
    clearTimeout(app.errorTimer);
    $('action-error').hidden = true;
    $('action-error').textContent = '';
  }

  function showJoinError(text) {
    var el = $('join-error');
    el.textContent = text;
    el.hidden = !text;
    $('code-input').setAttribute('aria-invalid', text ? 'true' : 'false');
  }

  function setConnStatus(s) {
    var el = $('conn-status');
    el.dataset.state = s;
    /* Before the first join the page shows its own "Connecting…" view; the
     * indicator is for losing a connection we had. */
    if (s === 'open' || !app.everJoined) {
      el.hidden = true;
      el.textContent = s === 'open' ? t('conn.open') : '';
    } else {
      el.textContent = t('conn.closed');
      el.hidden = false;
    }
  }

  /* ---- rendering -------------------------------------------------------- */

  function optionLabel(poll, id) { return K.label(poll, id); }

  function sameVote(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function shownVote(poll) {
    if (app.pending && app.pending.poll === poll.id) return app.pending.choice;
    return app.myVote;
  }

  function render() {
    var st = app.state;
    if (!st || !st.slide) return;
    var slide = st.slide;
    if (st.poll) {
      renderPoll(st.poll);
      renderPollMedia(slide);
      showView('poll-view');
    } else if (slide.kind === 'discuss') {
      $('discuss-html').innerHTML = slide.html || '';
      slideLook($('discuss-html'), slide);
      showView('discuss-view');
      startTick();
    } else {
      $('waiting-title').textContent = slide.title || '';
      showView('waiting');
    }
  }

  /* Images of the slide the room sees (look.js): backgrounds first, then
   * the slide's own pictures, scaled to the phone. */
  function slideImages(slide) {
    var urls = (slide.bg || []).map(function (b) { return { src: b.url, alt: '' }; });
    var tmp = document.createElement('div');
    tmp.innerHTML = slide.html || '';
    Array.prototype.forEach.call(tmp.querySelectorAll('img'), function (img) {
      urls.push({ src: img.getAttribute('src'), alt: img.getAttribute('alt') || '' });
    });
    return urls;
  }

  function slideLook(box, slide) {
    if (!window.HandsupLook) return;
    window.HandsupLook.sizeImages(box);
    window.HandsupLook.fragments(box, Number(slide.fragments) ? Number(slide.fragment) || 0 : 1e9);
    var bgs = slide.bg || [];
    if (!bgs.length) return;
    var media = document.createElement('div');
    media.className = 'slide-media';
    bgs.forEach(function (b) {
      var img = document.createElement('img');
      img.src = b.url;
      img.alt = '';
      media.appendChild(img);
    });
    box.insertBefore(media, box.firstChild);
  }

  function renderPollMedia(slide) {
    var box = $('poll-media');
    var key = JSON.stringify(slideImages(slide));
    if (box.dataset.key === key) return;
    box.dataset.key = key;
    box.textContent = '';
    slideImages(slide).forEach(function (m) {
      var img = document.createElement('img');
      img.src = m.src;
      img.alt = m.alt;
      box.appendChild(img);
    });
    box.hidden = !box.firstChild;
  }

  function renderPoll(poll) {
    var key = poll.id + '\n' + JSON.stringify(poll.options || []) + '\n' + poll.kind + poll.multiple + '\n' +
      (L.catalogue() ? L.catalogue().lang : '');
    if (key !== app.pollKey) {
      app.pollKey = key;
      K.buildOptions($('choices'), poll, tapOption);
      $('answer-input').value = '';
    }
    $('question').textContent = poll.question || (app.state.slide && app.state.slide.title) || '';
    var open = poll.status === 'open';
    var statusEl = $('poll-status');
    statusEl.dataset.status = poll.status;
    statusEl.textContent = t(open ? 'poll.open' : poll.status === 'closed' ? 'poll.closed' : 'poll.pending');

    var text = poll.kind === 'text';
    $('choices').hidden = text;
    if (text) {
      K.renderText(poll, { open: open, sending: !!app.answering, mine: app.myAnswers, onWithdraw: withdraw });
    } else {
      $('answer-form').hidden = true;
      $('answers-left').hidden = true;
      $('my-answers-box').hidden = true;
    }
    var chosen = shownVote(poll);
    var sending = !!app.pending && app.pending.poll === poll.id;
    if (!text) K.updateOptions($('choices'), poll, chosen, open, sending);
    else $('poll-hint').hidden = true;

    var mine = $('my-vote');
    mine.dataset.vote = chosen == null ? '' : String(chosen);
    var said = text ? '' : K.myVoteText(poll, chosen, open, sending);
    if (said != null) {
      mine.textContent = said;
    } else if (chosen == null) {
      mine.textContent = open ? t('vote.tap') : poll.status === 'closed' ? t('vote.none') : '';
    } else {
      mine.textContent = t(sending ? 'vote.sending' : open ? 'vote.changeable' : 'vote.final',
        { choice: optionLabel(poll, chosen) });
    }
    mine.hidden = !mine.textContent;
    $('results').hidden = !K.renderResults(poll);
  }

  /* ---- discussion countdown -------------------------------------------- */

  function remainingMs(d) {
    if (d.running && typeof d.endsAt === 'number') {
      return Math.max(0, d.endsAt - (Date.now() + app.offset));
    }
    return Math.max(0, (Number(d.remaining) || 0) * 1000);
  }


  function updateCountdown() {
    var el = $('countdown');
    var d = app.state && app.state.slide && app.state.slide.discuss;
    if (!d || !d.seconds) {
      el.hidden = true;
      return;
    }
    var ms = remainingMs(d);
    var cat = L.catalogue();
    el.textContent = cat ? cat.formatDuration(ms) : '';
    el.setAttribute('aria-label', t(ms <= 0 ? 'discuss.timeUp' : 'discuss.timerLabel'));
    el.classList.toggle('is-done', ms <= 0);
    el.classList.toggle('is-paused', !d.running && ms > 0);
    el.hidden = false;
  }

  function startTick() {
    updateCountdown();
    if (!app.tick) app.tick = setInterval(updateCountdown, 250);
  }
  function stopTick() {
    clearInterval(app.tick);
    app.tick = null;
  }

  /* ---- protocol ---------------------------------------------------------- */

  var conn = new window.HandsupConn({
    onOpen: function () {
      app.joined = false;
      if (app.code) sendJoin();
    },
    onMessage: onMessage,
    onStatus: function (s) {
      if (s !== 'open') app.joined = false;
      setConnStatus(s);
    }
  });

  function sendJoin() {
    var msg = { type: 'join', code: app.code };
    var token = loadToken(app.code);
    if (token) msg.participant = token;
    conn.send(msg);
  }

  function sendVote(p) {
    var msg = { type: 'vote', poll: p.poll, id: p.id };
    if (Array.isArray(p.choice)) msg.choices = p.choice;
    else if (typeof p.choice === 'number') msg.value = p.choice;
    else msg.choice = p.choice;
    if (app.joined && conn.send(msg)) p.gen = app.gen;
  }

  function tapOption(id) {
    var poll = app.state && app.state.poll;
    if (!poll || poll.status !== 'open') return;
    var next = K.tap(poll, shownVote(poll), id);
    if (next === null) {
      announce(t('pick.limit', { count: Number(poll.multiple) }));
      showError(t('pick.limit', { count: Number(poll.multiple) }));
      return;
    }
    vote(next);
  }

  function vote(choice) {
    var poll = app.state && app.state.poll;
    if (!poll || poll.status !== 'open') return;
    if (!app.pending && sameVote(app.myVote, choice)) {
      announce(t('vote.already', { choice: optionLabel(poll, choice) }));
      return;
    }
    hideError();
    app.pending = { poll: poll.id, choice: choice, id: app.nextId++, gen: -1 };
    sendVote(app.pending);
    renderPoll(poll);
  }

  /* ---- open answers ------------------------------------------------------ */

  function sendAnswer(ev) {
    ev.preventDefault();
    var poll = app.state && app.state.poll;
    var text = $('answer-input').value.trim();
    if (!poll || poll.kind !== 'text' || poll.status !== 'open' || !text || app.answering) return;
    if (K.charCount(text) > (Number(poll.maxLength) || 140)) {
      showError(errorText('too_long'));
      return;
    }
    var id = app.nextId++;
    if (!app.joined || !conn.send({ type: 'answer', poll: poll.id, text: text, id: id })) return;
    hideError();
    app.answering = { poll: poll.id, text: text, id: id };
    announce(t('answer.sending'));
    renderPoll(poll);
  }

  function withdraw(answerId) {
    var poll = app.state && app.state.poll;
    if (!poll || !app.joined) return;
    var id = app.nextId++;
    if (conn.send({ type: 'withdraw', poll: poll.id, answer: answerId, id: id })) app.withdrawing[id] = answerId;
  }

  /* For qa.js: sends msg with a fresh id; the id, or null when not joined. */
  function sendRequest(msg) {
    if (!app.joined) return null;
    var id = app.nextId++;
    msg.id = id;
    return conn.send(msg) ? id : null;
  }

  function onWelcome(msg) {
    if (msg.role !== 'attendee' || !msg.session) return;
    var code = String(msg.session.code || app.code);
    app.code = code;
    app.joined = true;
    app.everJoined = true;
    app.gen++;
    app.version = -1; /* a restarted server may count versions afresh */
    if (typeof msg.serverTime === 'number') app.offset = msg.serverTime - Date.now();
    if (msg.participant) saveToken(code, String(msg.participant));
    window.HandsupQa.setSession(msg.session);
    var title = msg.session.title ? String(msg.session.title) : '';
    $('session-title').textContent = title;
    if (window.HandsupLook) window.HandsupLook.deck(msg.session, $('deck-logo'));
    L.deckLang(code, msg.session.lang ? String(msg.session.lang) : null);
    setTitle();
    showJoinError('');
    $('join-button').disabled = false;
    setConnStatus('open');
    /* The address keeps its ?lang=, so the join link shared from this
     * phone opens in the same language. */
    if (location.pathname !== '/j/' + code) {
      try { history.replaceState(null, '', '/j/' + code + location.search); } catch (e) { /* file:// or sandboxed */ }
    }
    if (!app.state) showView('connecting-view');
  }

  function onState(msg) {
    if (typeof msg.version === 'number') {
      if (msg.version < app.version) return;
      app.version = msg.version;
    }
    if (typeof msg.serverTime === 'number') app.offset = msg.serverTime - Date.now();
    var prev = app.state;
    var prevPoll = prev && prev.poll ? prev.poll.id : null;
    var prevSlide = prev && prev.slide ? prev.slide.index : null;
    app.state = msg;
    var poll = msg.poll || null;
    app.myVote = poll && msg.myVote != null ? msg.myVote : null;
    if (typeof app.myVote !== 'number' && !Array.isArray(app.myVote) && app.myVote != null) app.myVote = String(app.myVote);
    app.myAnswers = Array.isArray(msg.myAnswers) ? msg.myAnswers : [];
    if ((poll ? poll.id : null) !== prevPoll) {
      hideError();
      app.answering = null;
    }
    window.HandsupQa.onSlide(msg.slide, !msg.slide || msg.slide.index !== prevSlide);
    settlePending(poll);
    render();
  }

  /* A vote sent on an earlier connection may or may not have reached the
   * store before the link dropped.  The state after the rejoin tells: the
   * server has it (done), or the poll is still open (send it again), or it is
   * too late (say so). */
  function settlePending(poll) {
    var p = app.pending;
    if (!p || p.gen === app.gen) return;
    if (!poll || poll.id !== p.poll) {
      app.pending = null;
      showError(t('vote.lost'));
      return;
    }
    if (sameVote(app.myVote, p.choice)) {
      app.pending = null;
      announce(K.recordedText(poll, p.choice) || t('vote.recorded', { choice: optionLabel(poll, p.choice) }));
      return;
    }
    if (poll.status === 'open') {
      if (app.joined) sendVote(p);
      return;
    }
    app.pending = null;
    showError(t('vote.late'));
  }

  function onAck(msg) {
    var poll = app.state && app.state.poll;
    if (app.answering && msg.id === app.answering.id) {
      app.answering = null;
      $('answer-input').value = '';
      announce(t(msg.status === 'pending' ? 'answer.recordedPending' : 'answer.recorded'));
      if (poll) renderPoll(poll);
      return;
    }
    if (Object.prototype.hasOwnProperty.call(app.withdrawing, msg.id)) {
      delete app.withdrawing[msg.id];
      announce(t('answer.withdrawn'));
      return;
    }
    if (window.HandsupQa.onReply(msg)) return;
    var p = app.pending;
    if (!p || msg.id !== p.id) return; /* an older vote, already overtaken */
    app.pending = null;
    if (poll && poll.id === msg.poll) {
      app.myVote = 'choices' in msg ? msg.choices : 'value' in msg ? msg.value : String(msg.choice);
      renderPoll(poll);
      announce(K.recordedText(poll, app.myVote) || t('vote.recorded', { choice: optionLabel(poll, app.myVote) }));
    }
  }

  function onError(msg) {
    var code = String(msg.code || '');
    if (code === 'unknown_session') {
      var tried = app.code;
      conn.stop();
      app.code = null;
      app.state = null;
      app.everJoined = false;
      setConnStatus('idle');
      showView('join-view');
      $('join-button').disabled = false;
      if (tried) $('code-input').value = formatCode(tried);
      showJoinError(t('join.unknown', { code: LTR(formatCode(tried || '')) }));
      if (location.pathname !== '/') {
        try { history.replaceState(null, '', '/' + location.search); } catch (e) { /* ignore */ }
      }
      return;
    }
    if (code === 'not_joined') {
      if (app.code) sendJoin();
      return;
    }
    if (window.HandsupQa.onReply(msg)) return;
    if (app.pending && msg.id === app.pending.id) app.pending = null;
    if (app.answering && msg.id === app.answering.id) app.answering = null;
    delete app.withdrawing[msg.id];
    if (app.state && app.state.poll) renderPoll(app.state.poll);
    showError(errorText(code));
  }

  function onMessage(msg) {
    switch (msg.type) {
    case 'welcome': onWelcome(msg); break;
    case 'state': onState(msg); break;
    case 'ack': onAck(msg); break;
    case 'questions': window.HandsupQa.onQuestions(msg); break;
    case 'error': onError(msg); break;
    case 'pong':
      if (typeof msg.serverTime === 'number') app.offset = msg.serverTime - Date.now();
      break;
    default: break; /* unknown types are ignored, as the protocol asks */
    }
  }

  /* ---- start ------------------------------------------------------------- */

  window.HandsupQa.init({
    send: sendRequest,
    announce: announce,
    showError: function (code) { showError(errorText(code)); }
  });
  $('answer-form').addEventListener('submit', sendAnswer);
  $('answer-input').addEventListener('input', function () {
    var poll = app.state && app.state.poll;
    K.updateCounter(poll ? Number(poll.maxLength) || 140 : 140);
  });

  $('join-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var code = normalizeCode($('code-input').value);
    if (!/^\d{8}$/.test(code)) {
      showJoinError(t(code ? 'join.digits' : 'join.empty'));
      $('code-input').focus();
      return;
    }
    showJoinError('');
    app.code = code;
    $('join-button').disabled = true;
    conn.start(); /* connects if needed; an open socket joins at once */
    if (conn.isOpen()) sendJoin();
    /* If the server cannot be reached, the button comes back so the
     * attendee is never stuck. */
    setTimeout(function () {
      if (app.joined || app.code !== code) return;
      $('join-button').disabled = false;
      if (!conn.isOpen()) showJoinError(t('join.unreachable'));
    }, 5000);
  });

  /* /j/<code>, also as read out with spaces (/j/4045%205687, or '+'). */
  var path = location.pathname;
  try { path = decodeURIComponent(path); } catch (e) { /* keep it as it is */ }
  var m = /^\/j\/([\d +]+)\/?$/.exec(window.HandsupI18n.latinDigits(path));
  var pathCode = m ? normalizeCode(m[1].replace(/\+/g, ' ')) : '';
  var start = /^\d{8}$/.test(pathCode) ? pathCode : null;

  function setTitle() {
    var title = $('session-title').textContent;
    document.title = title ? title + ' \u2013 ' + t('page.title') : t('page.title');
  }

  /* A new language redraws what the catalogue's apply() cannot see: the
   * sentences built from the state. */
  L.onChange(function () {
    setTitle();
    setConnStatus($('conn-status').dataset.state);
    K.updateCounter(app.state && app.state.poll ? Number(app.state.poll.maxLength) || 140 : 140);
    window.HandsupQa.redraw();
    render();
  });

  /* The first words are loaded before the first connection, so nothing is
   * ever drawn with a key instead of a sentence. */
  showView(start ? 'connecting-view' : 'join-view');
  function go() {
    if (start && !app.code) {
      app.code = start;
      conn.start();
    }
  }
  L.start(start).then(go, go);
})();
