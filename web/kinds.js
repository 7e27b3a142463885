/* kinds.js -- how the attendee page shows each poll kind (docs/protocol.md,
 * state.poll): yes/no and a single choice as big buttons, a multiple choice
 * as buttons that toggle ("pick up to 2"), a scale as a row of numbered
 * buttons with its end labels, a text poll as a box with a character
 * counter and the list of one's own answers.  And their results once voting
 * closes: bars, a histogram with mean and median, the cloud's entries.
 *
 * Rendering only: app.js owns the state and the connection and passes what
 * to draw plus callbacks.  Every text from the room goes in with
 * textContent, never as markup. */
(function () {
  'use strict';

  var t = window.HandsupLang.t;

  function cat() { return window.HandsupLang.catalogue(); }
  function num(n) { return cat() ? cat().formatNumber(n) : String(n); }

  var $ = window.HandsupDom.$;
  var el = window.HandsupDom.el;

  function multiple(poll) { return poll.kind === 'choice' && Number(poll.multiple) > 1; }
  function numeric(poll) { return poll.kind === 'scale'; }

  /* Yes and no are the page's own words; a scale's numbers are written in
   * the language's digits; every other label is the deck's, as written. */
  function displayLabel(poll, label, id) {
    if (poll.kind === 'yesno') {
      if (id === 'yes') return t('option.yes');
      if (id === 'no') return t('option.no');
      return String(label).toUpperCase();
    }
    if (numeric(poll) && /^-?\d+$/.test(String(label))) return num(Number(label));
    return String(label);
  }

  function label(poll, id) {
    var opts = poll.options || [];
    for (var i = 0; i < opts.length; i++) {
      if (opts[i].id === String(id)) return displayLabel(poll, opts[i].label, opts[i].id);
    }
    return numeric(poll) && /^-?\d+$/.test(String(id)) ? num(Number(id)) : String(id);
  }

  /* The picks of a vote as a list of option ids, whatever its form. */
  function picks(vote) {
    if (vote == null) return [];
    return Array.isArray(vote) ? vote.map(String) : [String(vote)];
  }

  function listText(poll, vote) {
    var labels = picks(vote).map(function (id) { return label(poll, id); });
    return cat() ? cat().formatList(labels) : labels.join(', ');
  }

  /* What one tap on option id does to the vote: the vote to send, or null
   * when the tap changes nothing (or would exceed the picks allowed). */
  function tap(poll, current, id) {
    if (numeric(poll)) return Number(id);
    if (!multiple(poll)) return id;
    var now = picks(current);
    var at = now.indexOf(id);
    if (at >= 0) {
      now.splice(at, 1);
    } else {
      if (now.length >= Number(poll.multiple)) return null;
      now.push(id);
    }
    /* In the options' order, as the server stores and acknowledges them. */
    var order = (poll.options || []).map(function (o) { return o.id; });
    return now.sort(function (a, b) { return order.indexOf(a) - order.indexOf(b); });
  }

  /* Builds the option buttons of poll in box; onTap(optionId). */
  function buildOptions(box, poll, onTap) {
    box.textContent = '';
    box.className = 'choices' + (poll.kind === 'yesno' ? '' : numeric(poll) ? ' is-scale' : ' is-list');
    box.setAttribute('role', 'group');
    if (numeric(poll)) box.setAttribute('aria-label', t('scale.group', { min: Number(poll.min), max: Number(poll.max) }));
    else box.setAttribute('aria-labelledby', 'question');
    if (!numeric(poll)) box.removeAttribute('aria-label');
    var labels = poll.labels || ['', ''];
    (poll.options || []).forEach(function (opt, i) {
      var b = el('button', 'choice choice-' + (numeric(poll) ? 0 : i % 4));
      b.type = 'button';
      b.dataset.choice = opt.id;
      b.dataset.testid = 'vote-' + opt.id;
      if (/^[A-Za-z0-9_-]+$/.test(opt.id)) b.id = 'vote-' + opt.id;
      b.setAttribute('aria-pressed', 'false');
      var mark = el('span', 'mark', '\u2713');
      mark.setAttribute('aria-hidden', 'true');
      b.appendChild(mark);
      var text = el('span', 'choice-label', displayLabel(poll, opt.label, opt.id));
      if (poll.kind !== 'yesno') text.setAttribute('dir', 'auto');
      b.appendChild(text);
      if (numeric(poll)) {
        /* A screen reader hears "4 out of 5", and the end labels with their ends. */
        var end = i === 0 ? labels[0] : i === poll.options.length - 1 ? labels[1] : '';
        var v = displayLabel(poll, opt.label, opt.id);
        b.setAttribute('aria-label', end ? t('scale.valueLabel', { value: v, max: Number(poll.max), label: end })
          : t('scale.value', { value: v, max: Number(poll.max) }));
      }
      b.addEventListener('click', function () { onTap(opt.id); });
      box.appendChild(b);
    });
    var ends = $('scale-ends');
    ends.hidden = !numeric(poll) || (!labels[0] && !labels[1]);
    $('scale-low').textContent = numeric(poll) ? labels[0] || '' : '';
    $('scale-high').textContent = numeric(poll) ? labels[1] || '' : '';
  }

  /* Marks the chosen buttons; shown is the vote on screen (sent or acked). */
  function updateOptions(box, poll, shown, open, sending) {
    var chosen = picks(shown);
    box.classList.toggle('is-closed', !open);
    box.classList.toggle('has-vote', chosen.length > 0);
    Array.prototype.forEach.call(box.querySelectorAll('button[data-choice]'), function (b) {
      var on = chosen.indexOf(b.dataset.choice) >= 0;
      b.setAttribute('aria-pressed', on ? 'true' : 'false');
      b.classList.toggle('is-chosen', on);
      b.classList.toggle('is-sending', on && sending);
      b.disabled = !open;
    });
    var hint = $('poll-hint');
    var m = Number(poll.multiple) || 1;
    hint.textContent = !open || !multiple(poll) ? ''
      : m >= (poll.options || []).length ? t('pick.any') : t('pick.upTo', { count: m });
    hint.hidden = !hint.textContent;
  }

  /* The line under the options saying what this phone's vote is. */
  function myVoteText(poll, shown, open, sending) {
    var has = picks(shown).length > 0;
    if (numeric(poll)) {
      if (!has) return open ? t('vote.tap') : poll.status === 'closed' ? t('picks.noneClosed') : '';
      if (sending) return t('picks.sending');
      return t(open ? 'scale.yoursOpen' : 'scale.yours', { value: Number(shown) });
    }
    if (multiple(poll)) {
      if (sending) return t('picks.sending');
      if (!has) return open ? t('picks.noneOpen') : poll.status === 'closed' ? t('picks.noneClosed') : '';
      return t(open ? 'picks.yoursOpen' : 'picks.yours', { list: listText(poll, shown) });
    }
    return null; /* yes/no and a single choice keep app.js's sentences */
  }

  function recordedText(poll, vote) {
    if (numeric(poll)) return t('scale.recorded', { value: Number(vote) });
    if (multiple(poll)) return picks(vote).length ? t('picks.recorded', { list: listText(poll, vote) }) : t('picks.cleared');
    return null;
  }

  /* ---- text answers ----------------------------------------------------- */

  /* Draws the answer box and this phone's answers.  ctx: {open, sending,
   * mine: [{id, text, status}], onWithdraw(id)}. */
  function renderText(poll, ctx) {
    var max = Number(poll.maxLength) || 140;
    var input = $('answer-input');
    input.maxLength = max;
    var left = (Number(poll.answers) || 1) - ctx.mine.length;
    var canWrite = ctx.open && left > 0;
    $('answer-form').hidden = !canWrite;
    $('answer-send').disabled = ctx.sending;
    updateCounter(max);
    var note = $('answers-left');
    note.textContent = !ctx.open ? '' : left > 0 ? (ctx.mine.length ? t('answer.left', { count: left }) : '')
      : t('answer.noneLeft');
    note.hidden = !note.textContent;
    var list = $('my-answers');
    list.textContent = '';
    ctx.mine.forEach(function (a) {
      var li = el('li', 'my-answer');
      li.dataset.status = a.status;
      var text = el('span', 'my-answer-text', a.text);
      text.setAttribute('dir', 'auto');
      li.appendChild(text);
      if (a.status === 'pending' || a.status === 'hidden') {
        li.appendChild(el('span', 'answer-status', t(a.status === 'pending' ? 'answer.pending' : 'answer.hidden')));
      }
      if (ctx.open) {
        var b = el('button', 'withdraw', t('answer.withdraw'));
        b.type = 'button';
        b.setAttribute('aria-label', t('answer.withdrawLabel', { text: a.text }));
        b.addEventListener('click', function () { ctx.onWithdraw(a.id); });
        li.appendChild(b);
      }
      list.appendChild(li);
    });
    $('my-answers-box').hidden = ctx.mine.length === 0;
  }

  /* Characters as the server counts them: code points. */
  function charCount(s) { return Array.from(String(s)).length; }

  function updateCounter(max) {
    var n = charCount($('answer-input').value);
    var c = $('answer-count');
    c.textContent = t('answer.count', { used: n, max: max });
    c.classList.toggle('is-over', n > max);
  }

  /* ---- results ------------------------------------------------------------ */

  function bars(rows, poll, r) {
    var total = 0;
    var scale = numeric(poll);
    (poll.options || []).forEach(function (o) { total += Number(r.counts[o.id]) || 0; });
    /* Bars share of voters: with several picks each, shares add up past 100%. */
    var of = multiple(poll) ? Number(r.voters) || 0 : total;
    (poll.options || []).forEach(function (o, i) {
      var n = Number(r.counts[o.id]) || 0;
      var pct = of > 0 ? Math.round(n * 100 / of) : 0;
      var row = el('div', 'result-row');
      row.dataset.option = o.id;
      var name = el('span', 'result-label', displayLabel(poll, o.label, o.id));
      if (poll.kind !== 'yesno') name.setAttribute('dir', 'auto');
      row.appendChild(name);
      var track = el('span', 'result-track');
      var fill = el('span', 'result-fill choice-fill-' + (scale ? 0 : i % 4));
      fill.style.width = pct + '%';
      track.appendChild(fill);
      row.appendChild(track);
      row.appendChild(el('span', 'result-num', t('results.count', { count: n, pct: pct })));
      rows.appendChild(row);
    });
  }

  function fmt(x) { return Math.round(Number(x) * 100) / 100; }

  /* Fills the results box; false when there is nothing to show. */
  function renderResults(poll) {
    var r = poll.results;
    if (!r || poll.status !== 'closed') return false;
    var rows = $('result-rows');
    var entries = $('result-entries');
    var stats = $('result-stats');
    rows.textContent = '';
    entries.textContent = '';
    stats.hidden = true;
    entries.hidden = true;
    if (poll.kind === 'text') {
      (r.entries || []).slice(0, 30).forEach(function (e) {
        var li = el('li', 'entry');
        var text = el('span', 'entry-text', e.text);
        text.setAttribute('dir', 'auto');
        li.appendChild(text);
        li.appendChild(el('span', 'entry-count', num(Number(e.count) || 0)));
        entries.appendChild(li);
      });
      entries.hidden = false;
      $('result-voters').textContent = t('results.answers', { count: Number(r.answers) || 0 });
      return true;
    }
    if (!r.counts) return false;
    bars(rows, poll, r);
    if (numeric(poll) && r.mean != null) {
      stats.textContent = t('scale.stats', { mean: fmt(r.mean), median: fmt(r.median) });
      stats.hidden = false;
    }
    var voters = Number(r.voters) || 0;
    $('result-voters').textContent = t('results.voters', { count: voters });
    return true;
  }

  window.HandsupKinds = {
    label: label,
    picks: picks,
    tap: tap,
    buildOptions: buildOptions,
    updateOptions: updateOptions,
    myVoteText: myVoteText,
    recordedText: recordedText,
    renderText: renderText,
    updateCounter: updateCounter,
    charCount: charCount,
    renderResults: renderResults
  };
})();
