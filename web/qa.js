/* qa.js -- the attendee page's Questions tab: ask the speaker, see the
 * room's questions ranked by upvotes, upvote (and take it back), one's own
 * questions marked.  Shown when the session takes questions (welcome's
 * session.qa is "on" or "moderated").
 *
 * The server sends a "questions" list when the phone joins and at most once
 * a second while questions change; between lists an upvote shows at once as
 * sent, and the next list confirms it.  app.js hands over messages and
 * gives this module a send function. */
(function () {
  'use strict';

  var t = window.HandsupLang.t;

  function num(n) {
    var cat = window.HandsupLang.catalogue();
    return cat ? cat.formatNumber(n) : String(n);
  }

  var STATUS_KEYS = {
    answered: 'questions.answered', pinned: 'questions.pinned', pending: 'questions.pending', hidden: 'questions.hidden'
  };
  var ASK_MAX = 280;

  var $ = window.HandsupDom.$;
  var el = window.HandsupDom.el;

  var qa = {
    send: null,          /* function (msg) -> id or null (not joined) */
    announce: null,
    showError: null,
    on: false,           /* the session takes questions */
    list: null,          /* the last "questions" message */
    asking: null,        /* id of the "ask" waiting for its ack */
    upvotes: {},         /* request id -> {question, on}, waiting for acks */
    myUpvotes: {},       /* question id -> true/false sent and not yet in a list */
    tab: 'now'
  };

  /* ---- tabs -------------------------------------------------------------- */

  function selectTab(name, focus) {
    qa.tab = name;
    var tabs = [$('tab-now'), $('tab-questions')];
    tabs.forEach(function (b) {
      var on = b.dataset.tab === name;
      b.setAttribute('aria-selected', on ? 'true' : 'false');
      b.tabIndex = on ? 0 : -1;
      if (on && focus) b.focus();
    });
    $('main').hidden = name !== 'now';
    $('qa-view').hidden = name !== 'questions';
  }

  function tabKeys(ev) {
    if (ev.key !== 'ArrowLeft' && ev.key !== 'ArrowRight' && ev.key !== 'Home' && ev.key !== 'End') return;
    ev.preventDefault();
    var next = ev.key === 'Home' ? 'now' : ev.key === 'End' ? 'questions' : qa.tab === 'now' ? 'questions' : 'now';
    selectTab(next, true);
  }

  /* ---- the list ----------------------------------------------------------- */

  function upvotedNow(item) {
    return Object.prototype.hasOwnProperty.call(qa.myUpvotes, item.id) ? qa.myUpvotes[item.id] : !!item.upvoted;
  }

  function votesNow(item) {
    var v = Number(item.votes) || 0;
    if (Object.prototype.hasOwnProperty.call(qa.myUpvotes, item.id) && qa.myUpvotes[item.id] !== !!item.upvoted) {
      v += qa.myUpvotes[item.id] ? 1 : -1;
    }
    return Math.max(0, v);
  }

  function render() {
    var items = qa.list ? qa.list.items || [] : [];
    var ol = $('qa-list');
    ol.textContent = '';
    items.forEach(function (item) {
      var li = el('li', 'qa-item');
      li.dataset.status = item.status;
      li.dataset.id = item.id;
      if (item.mine) li.classList.add('is-mine');
      var body = el('div', 'qa-body');
      var text = el('p', 'qa-text', item.text);
      text.setAttribute('dir', 'auto');
      body.appendChild(text);
      var meta = el('p', 'qa-meta');
      if (item.mine) meta.appendChild(el('span', 'qa-mine', t('questions.mine')));
      if (STATUS_KEYS[item.status]) meta.appendChild(el('span', 'qa-status', t(STATUS_KEYS[item.status])));
      if (meta.childNodes.length) body.appendChild(meta);
      li.appendChild(body);
      var open = item.status === 'open' || item.status === 'pinned' || item.status === 'answered';
      var on = upvotedNow(item);
      var b = el('button', 'upvote');
      b.type = 'button';
      b.setAttribute('aria-pressed', on ? 'true' : 'false');
      b.setAttribute('aria-label', t('questions.upvoteLabel', { text: item.text, count: votesNow(item) }));
      b.disabled = !open;
      var arrow = el('span', 'upvote-arrow', '\u25B2');
      arrow.setAttribute('aria-hidden', 'true');
      b.appendChild(arrow);
      b.appendChild(el('span', 'upvote-count', num(votesNow(item))));
      b.addEventListener('click', function () { upvote(item, !upvotedNow(item)); });
      li.appendChild(b);
      ol.appendChild(li);
    });
    $('qa-empty').hidden = items.length > 0;
    var n = qa.list ? Number(qa.list.total) || 0 : 0;
    $('tab-questions').textContent = n ? t('tab.questionsCount', { count: n }) : t('tab.questions');
  }

  function upvote(item, on) {
    var id = qa.send({ type: 'upvote', question: item.id, on: on });
    if (id == null) return;
    qa.upvotes[id] = { question: item.id, on: on };
    qa.myUpvotes[item.id] = on;
    render();
  }

  function updateCounter() {
    var n = window.HandsupKinds.charCount($('ask-input').value);
    var c = $('ask-count');
    c.textContent = t('answer.count', { used: n, max: ASK_MAX });
    c.classList.toggle('is-over', n > ASK_MAX);
  }

  function ask(ev) {
    ev.preventDefault();
    var text = $('ask-input').value.trim();
    if (!text || qa.asking != null) return;
    var id = qa.send({ type: 'ask', text: text });
    if (id == null) return;
    qa.asking = id;
    $('ask-send').disabled = true;
    $('ask-state').textContent = t('ask.sending');
  }

  /* ---- messages ----------------------------------------------------------- */

  function onQuestions(msg) {
    qa.list = msg;
    /* A list reflects what the server has: optimistic upvotes it confirms
     * are dropped (one it has not seen yet stays until the next list). */
    (msg.items || []).forEach(function (i) {
      if (qa.myUpvotes[i.id] === !!i.upvoted) delete qa.myUpvotes[i.id];
    });
    render();
  }

  /* True when the ack or error answered one of this module's requests. */
  function onReply(msg) {
    if (msg.id == null) return false;
    if (msg.id === qa.asking) {
      qa.asking = null;
      $('ask-send').disabled = false;
      if (msg.type === 'ack') {
        $('ask-input').value = '';
        updateCounter();
        var said = msg.status === 'pending' ? t('ask.recordedPending') : t('ask.recorded');
        $('ask-state').textContent = said;
        qa.announce(said);
      } else {
        $('ask-state').textContent = '';
        qa.showError(msg.code);
      }
      return true;
    }
    if (Object.prototype.hasOwnProperty.call(qa.upvotes, msg.id)) {
      var u = qa.upvotes[msg.id];
      delete qa.upvotes[msg.id];
      if (msg.type !== 'ack') {
        delete qa.myUpvotes[u.question];
        render();
        qa.showError(msg.code);
      }
      return true;
    }
    return false;
  }

  /* Called on every welcome: whether the session takes questions. */
  function setSession(session) {
    qa.on = !!session && (session.qa === 'on' || session.qa === 'moderated');
    $('tabs').hidden = !qa.on;
    if (!qa.on) selectTab('now', false);
  }

  /* Called on every state: a qa slide brings the Questions tab forward. */
  function onSlide(slide, changed) {
    if (qa.on && changed && slide && slide.kind === 'qa') selectTab('questions', false);
  }

  function init(opts) {
    qa.send = opts.send;
    qa.announce = opts.announce;
    qa.showError = opts.showError;
    $('ask-input').maxLength = ASK_MAX;
    [$('tab-now'), $('tab-questions')].forEach(function (b) {
      b.addEventListener('click', function () { selectTab(b.dataset.tab, false); });
      b.addEventListener('keydown', tabKeys);
    });
    $('ask-form').addEventListener('submit', ask);
    $('ask-input').addEventListener('input', updateCounter);
    updateCounter();
    selectTab('now', false);
  }

  /* A new language: the list and the counter again, in its words. */
  function redraw() {
    updateCounter();
    render();
  }

  window.HandsupQa = { init: init, redraw: redraw, setSession: setSession, onSlide: onSlide, onQuestions: onQuestions, onReply: onReply };
})();
