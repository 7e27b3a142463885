/* app.js -- the attendee page: join with a code, follow the room, vote.
 *
 * Speaks docs/protocol.md over /conn.js.  Everything on screen is drawn from
 * the last server "state" plus the one vote (or answer) this phone may have
 * in flight, so a reload, a locked phone or a Wi-Fi drop only has to rejoin
 * (with the participant token kept in localStorage) to show the right thing
 * again.  How each poll kind looks is kinds.js's; the Questions tab is
 * qa.js's; their words are words.js's. */
(function () {
  'use strict';

  var TOKEN_PREFIX = 'handsup.participant.';
  var ERROR_SHOW_MS = 8000;

  /* Short, plain sentences for the server's machine codes. */
  var ERROR_TEXT = {
    poll_closed: 'Voting on this question is closed.',
    unknown_poll: 'This question is no longer open for voting.',
    store_failed: 'Your vote could not be saved. Please tap your answer again.',
    rate_limited: 'Too many taps at once. Wait a moment, then try again.',
    server_busy: 'The server is busy right now. Please try again in a moment.',
    too_large: 'That message was too large to send.',
    internal: 'Something went wrong on the server. Please try again.',
    too_long: window.HandsupWords.t('error_too_long'),
    limit_reached: window.HandsupWords.t('error_limit_reached'),
    qa_closed: window.HandsupWords.t('error_qa_closed'),
    bad_message: window.HandsupWords.t('error_bad_message')
  };
  var K = window.HandsupKinds;
  var W = window.HandsupWords;
  var ERROR_DEFAULT = 'Something went wrong. Please try again.';

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

  function normalizeCode(s) { return String(s).replace(/[\s\u00a0-]/g, ''); }
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
      el.textContent = s === 'open' ? 'Connected' : '';
    } else {
      el.textContent = 'Reconnecting…';
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
    var key = poll.id + '\n' + JSON.stringify(poll.options || []) + '\n' + poll.kind + poll.multiple;
    if (key !== app.pollKey) {
      app.pollKey = key;
      K.buildOptions($('choices'), poll, tapOption);
      $('answer-input').value = '';
    }
    $('question').textContent = poll.question || (app.state.slide && app.state.slide.title) || '';
    var open = poll.status === 'open';
    var statusEl = $('poll-status');
    statusEl.dataset.status = poll.status;
    statusEl.textContent = open ? 'Voting is open' : poll.status === 'closed' ? 'Voting is closed'
      : 'Voting has not opened yet';

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
      mine.textContent = open ? 'Tap your answer.' : poll.status === 'closed'
        ? 'You did not vote on this question.' : '';
    } else if (sending) {
      mine.textContent = 'Sending your vote: ' + optionLabel(poll, chosen) + '…';
    } else if (open) {
      mine.textContent = 'Your vote: ' + optionLabel(poll, chosen) +
        ' \u2014 you can change it until voting closes';
    } else {
      mine.textContent = 'Your vote: ' + optionLabel(poll, chosen);
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

  function formatClock(ms) {
    var s = Math.ceil(ms / 1000);
    var m = Math.floor(s / 60);
    s = s % 60;
    return (m < 10 ? '0' : '') + m + ':' + (s < 10 ? '0' : '') + s;
  }

  function updateCountdown() {
    var el = $('countdown');
    var d = app.state && app.state.slide && app.state.slide.discuss;
    if (!d || !d.seconds) {
      el.hidden = true;
      return;
    }
    var ms = remainingMs(d);
    el.textContent = formatClock(ms);
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
      announce(W.t('pick_limit', { n: poll.multiple }));
      showError(W.t('pick_limit', { n: poll.multiple }));
      return;
    }
    vote(next);
  }

  function vote(choice) {
    var poll = app.state && app.state.poll;
    if (!poll || poll.status !== 'open') return;
    if (!app.pending && sameVote(app.myVote, choice)) {
      announce('Your vote is already ' + optionLabel(poll, choice) + '.');
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
      showError(ERROR_TEXT.too_long);
      return;
    }
    var id = app.nextId++;
    if (!app.joined || !conn.send({ type: 'answer', poll: poll.id, text: text, id: id })) return;
    hideError();
    app.answering = { poll: poll.id, text: text, id: id };
    announce(W.t('answer_sending'));
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
    document.title = title ? title + ' \u2013 handsup' : 'handsup';
    showJoinError('');
    $('join-button').disabled = false;
    setConnStatus('open');
    if (location.pathname !== '/j/' + code) {
      try { history.replaceState(null, '', '/j/' + code); } catch (e) { /* file:// or sandboxed */ }
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
      showError('Your last vote was not recorded: the question changed.');
      return;
    }
    if (sameVote(app.myVote, p.choice)) {
      app.pending = null;
      announce('Vote recorded: ' + optionLabel(poll, p.choice));
      return;
    }
    if (poll.status === 'open') {
      if (app.joined) sendVote(p);
      return;
    }
    app.pending = null;
    showError('Voting closed before your vote reached the server.');
  }

  function onAck(msg) {
    var poll = app.state && app.state.poll;
    if (app.answering && msg.id === app.answering.id) {
      app.answering = null;
      $('answer-input').value = '';
      announce(W.t(msg.status === 'pending' ? 'answer_recorded_pending' : 'answer_recorded'));
      if (poll) renderPoll(poll);
      return;
    }
    if (Object.prototype.hasOwnProperty.call(app.withdrawing, msg.id)) {
      delete app.withdrawing[msg.id];
      announce(W.t('withdrawn'));
      return;
    }
    if (window.HandsupQa.onReply(msg)) return;
    var p = app.pending;
    if (!p || msg.id !== p.id) return; /* an older vote, already overtaken */
    app.pending = null;
    if (poll && poll.id === msg.poll) {
      app.myVote = 'choices' in msg ? msg.choices : 'value' in msg ? msg.value : String(msg.choice);
      renderPoll(poll);
      announce(K.recordedText(poll, app.myVote) || 'Vote recorded: ' + optionLabel(poll, app.myVote));
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
      showJoinError('No session has the code ' + formatCode(tried || '') +
        '. Check the code on the screen and try again.');
      if (location.pathname !== '/') {
        try { history.replaceState(null, '', '/'); } catch (e) { /* ignore */ }
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
    showError(ERROR_TEXT[code] || ERROR_DEFAULT);
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
    showError: function (text, code) { showError(text || ERROR_TEXT[code] || ERROR_DEFAULT); }
  });
  $('answer-form').addEventListener('submit', sendAnswer);
  $('answer-input').addEventListener('input', function () {
    var poll = app.state && app.state.poll;
    K.updateCounter(poll ? Number(poll.maxLength) || 140 : 140);
  });
  $('answer-label').textContent = W.t('answer_label');
  $('answer-send').textContent = W.t('answer_send');
  $('my-answers-heading').textContent = W.t('my_answers');

  $('join-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var code = normalizeCode($('code-input').value);
    if (!/^\d{8}$/.test(code)) {
      showJoinError(code ? 'A code has 8 digits, like 1234 5678.' : 'Please type the code shown on the screen.');
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
      if (!conn.isOpen()) showJoinError('Cannot reach the server. Still trying\u2026');
    }, 5000);
  });

  /* /j/<code>, also as read out with spaces (/j/4045%205687, or '+'). */
  var path = location.pathname;
  try { path = decodeURIComponent(path); } catch (e) { /* keep it as it is */ }
  var m = /^\/j\/([\d +]+)\/?$/.exec(path);
  var pathCode = m ? normalizeCode(m[1].replace(/\+/g, ' ')) : '';
  if (/^\d{8}$/.test(pathCode)) {
    app.code = pathCode;
    showView('connecting-view');
    conn.start();
  } else {
    showView('join-view');
  }
})();
