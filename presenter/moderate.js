/* moderate.js -- the moderation view at /present/#<code>/<key>/moderate:
 * the current text poll's answers and every audience question, with what
 * the presenter may do to each (approve, hide; for questions also mark
 * answered, pin, unpin).  It is for the facilitator's own screen: the
 * projector view never shows pending or hidden text.
 *
 * Waiting items come first, newest first, so a moderator sees what needs a
 * decision at once.  Every participant's text goes in with textContent. */
(function () {
  'use strict';

  var $ = window.HandsupDom.$;
  var el = window.HandsupDom.el;
  var W = window.HandsupProjectorWords;
  var t = W.t;

  var mod = { command: null, answers: null, questions: null, poll: null };

  var STATUS_KEYS = {
    shown: 'mod.shown', pending: 'mod.waiting', hidden: 'mod.hidden',
    open: 'mod.open', answered: 'mod.isAnswered', pinned: 'mod.pinned'
  };

  function order(items) {
    return items.slice().sort(function (a, b) {
      var pa = a.status === 'pending' ? 0 : 1, pb = b.status === 'pending' ? 0 : 1;
      return pa - pb || Number(b.id) - Number(a.id);
    });
  }

  function button(label, text, onClick, pressed) {
    var b = el('button', 'mod-action', label);
    b.type = 'button';
    b.setAttribute('aria-label', t('mod.actionLabel', { action: label, text: text }));
    if (pressed != null) b.setAttribute('aria-pressed', pressed ? 'true' : 'false');
    b.addEventListener('click', onClick);
    return b;
  }

  function row(item, actions) {
    var li = el('li', 'mod-item');
    li.dataset.status = item.status;
    li.dataset.id = item.id;
    var text = el('p', 'mod-text', item.text);
    text.setAttribute('dir', 'auto');
    li.appendChild(text);
    var meta = el('p', 'mod-meta');
    var status = Object.prototype.hasOwnProperty.call(STATUS_KEYS, item.status) ? t(STATUS_KEYS[item.status]) : item.status;
    meta.appendChild(el('span', 'mod-status', status));
    if (item.votes != null) meta.appendChild(el('span', 'mod-votes', t('mod.votes', { count: Number(item.votes) || 0 })));
    li.appendChild(meta);
    var bar = el('div', 'mod-actions');
    actions.forEach(function (b) { bar.appendChild(b); });
    li.appendChild(bar);
    return li;
  }

  function renderAnswers() {
    var list = $('mod-answers');
    list.textContent = '';
    var msg = mod.answers;
    var current = msg && mod.poll && msg.poll === mod.poll.id;
    $('mod-answers-heading').textContent = current && mod.poll.question
      ? t('mod.answersOf', { question: mod.poll.question }) : t('mod.answers');
    var items = current ? order(msg.items || []) : [];
    items.forEach(function (a) {
      var acts = [];
      if (a.status !== 'shown') {
        acts.push(button(t('mod.approve'), a.text, function () {
          mod.command({ type: 'moderate', poll: msg.poll, answer: a.id, action: 'approve' });
        }));
      }
      if (a.status !== 'hidden') {
        acts.push(button(t('mod.hide'), a.text, function () {
          mod.command({ type: 'moderate', poll: msg.poll, answer: a.id, action: 'hide' });
        }));
      }
      list.appendChild(row(a, acts));
    });
    var waiting = items.filter(function (a) { return a.status === 'pending'; }).length;
    $('mod-answers-none').textContent = t(current ? 'mod.noAnswers' : 'mod.noTextPoll');
    $('mod-answers-none').hidden = items.length > 0;
    $('mod-answers-count').textContent = current
      ? t('mod.answersCount', { count: Number(msg.total) || 0, waiting: waiting }) : '';
  }

  function renderQuestions() {
    var list = $('mod-questions');
    list.textContent = '';
    var items = mod.questions ? order(mod.questions.items || []) : [];
    items.forEach(function (q) {
      var act = function (action) {
        return function () { mod.command({ type: 'question', question: q.id, action: action }); };
      };
      var acts = [];
      if (q.status === 'pending' || q.status === 'hidden') acts.push(button(t('mod.approve'), q.text, act('approve')));
      if (q.status !== 'hidden') acts.push(button(t('mod.hide'), q.text, act('hide')));
      if (q.status !== 'pending' && q.status !== 'hidden') {
        acts.push(button(t('mod.answered'), q.text, act(q.status === 'answered' ? 'approve' : 'answered'),
          q.status === 'answered'));
        acts.push(button(t('mod.pin'), q.text, act(q.status === 'pinned' ? 'unpin' : 'pin'), q.status === 'pinned'));
      }
      list.appendChild(row(q, acts));
    });
    var waiting = items.filter(function (q) { return q.status === 'pending'; }).length;
    $('mod-questions-none').hidden = items.length > 0;
    $('mod-questions-count').textContent = t('mod.questionsCount', { count: items.length, waiting: waiting });
  }

  window.HandsupModerate = {
    init: function (opts) {
      mod.command = opts.command;
      /* A new language: the lists again, in its words. */
      W.onChange(function () {
        renderAnswers();
        if (mod.questions) renderQuestions();
      });
    },
    onState: function (state) {
      var p = state && state.poll;
      var was = mod.poll && mod.poll.id;
      mod.poll = p && p.kind === 'text' ? p : null;
      if ((mod.poll && mod.poll.id) !== was) renderAnswers();
    },
    onAnswers: function (msg) { mod.answers = msg; renderAnswers(); },
    onQuestions: function (msg) { mod.questions = msg; renderQuestions(); },
    onSession: function (session) { $('mod-questions-box').hidden = !session || session.qa === 'off'; }
  };
})();
