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

  var mod = { command: null, answers: null, questions: null, poll: null };

  var STATUS_TEXT = {
    shown: 'shown', pending: 'waiting', hidden: 'hidden',
    open: 'open', answered: 'answered', pinned: 'pinned'
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
    b.setAttribute('aria-label', label + ': ' + text);
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
    meta.appendChild(el('span', 'mod-status', STATUS_TEXT[item.status] || item.status));
    if (item.votes != null) meta.appendChild(el('span', 'mod-votes', item.votes === 1 ? '1 vote' : item.votes + ' votes'));
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
      ? 'Answers: ' + mod.poll.question : 'Answers';
    var items = current ? order(msg.items || []) : [];
    items.forEach(function (a) {
      var acts = [];
      if (a.status !== 'shown') {
        acts.push(button('Approve', a.text, function () {
          mod.command({ type: 'moderate', poll: msg.poll, answer: a.id, action: 'approve' });
        }));
      }
      if (a.status !== 'hidden') {
        acts.push(button('Hide', a.text, function () {
          mod.command({ type: 'moderate', poll: msg.poll, answer: a.id, action: 'hide' });
        }));
      }
      list.appendChild(row(a, acts));
    });
    var waiting = items.filter(function (a) { return a.status === 'pending'; }).length;
    $('mod-answers-none').textContent = current ? 'No answers yet.' : 'The current slide has no text poll.';
    $('mod-answers-none').hidden = items.length > 0;
    $('mod-answers-count').textContent = current
      ? (msg.total || 0) + ' answers, ' + waiting + ' waiting' : '';
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
      if (q.status === 'pending' || q.status === 'hidden') acts.push(button('Approve', q.text, act('approve')));
      if (q.status !== 'hidden') acts.push(button('Hide', q.text, act('hide')));
      if (q.status !== 'pending' && q.status !== 'hidden') {
        acts.push(button('Answered', q.text, act(q.status === 'answered' ? 'approve' : 'answered'), q.status === 'answered'));
        acts.push(button('Pin', q.text, act(q.status === 'pinned' ? 'unpin' : 'pin'), q.status === 'pinned'));
      }
      list.appendChild(row(q, acts));
    });
    var waiting = items.filter(function (q) { return q.status === 'pending'; }).length;
    $('mod-questions-none').hidden = items.length > 0;
    $('mod-questions-count').textContent = items.length + ' questions, ' + waiting + ' waiting';
  }

  window.HandsupModerate = {
    init: function (opts) { mod.command = opts.command; },
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
