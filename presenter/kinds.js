/* kinds.js -- the projector's drawings of poll kinds beyond yes/no: a scale
 * as a histogram with its mean and median, a text poll as a word cloud (or
 * a wall of answer cards, newest first), and the ranked audience questions
 * of a "qa" slide.  Bars (yes/no, choice) stay in present.js.
 *
 * Only what the room may see is drawn: shown answers and open, pinned or
 * answered questions; pending and hidden ones live in the moderation view
 * (moderate.js).  Every participant's text goes in with textContent. */
(function () {
  'use strict';

  var CLOUD_W = 1600;
  var CLOUD_H = 620;
  var WALL_MAX = 24;     /* cards on the wall, newest first */
  var QA_MAX = 8;        /* questions on a qa slide */

  var $ = window.HandsupDom.$;
  var el = window.HandsupDom.el;
  var W = window.HandsupProjectorWords;

  /* A scale's step in the deck's language's digits. */
  function step(label) { return /^-?\d+$/.test(String(label)) ? W.num(Number(label)) : String(label); }

  function fmt(x) { return Math.round(Number(x) * 100) / 100; }

  /* The scale's histogram: one column per value, height by count. */
  function renderScale(poll, t) {
    var box = $('histogram');
    var options = poll.options || [];
    var counts = t.counts || {};
    var top = 0;
    options.forEach(function (o) { top = Math.max(top, Number(counts[o.id]) || 0); });
    var cat = W.catalogue();
    var key = poll.id + JSON.stringify(options) + (cat ? cat.lang : '');
    if (box.dataset.key !== key) {
      box.dataset.key = key;
      box.textContent = '';
      options.forEach(function (o) {
        var col = el('div', 'hist-col');
        col.dataset.option = o.id;
        col.setAttribute('role', 'group');
        col.appendChild(el('span', 'hist-count', '0'));
        var track = el('span', 'hist-track');
        track.appendChild(el('span', 'hist-fill'));
        col.appendChild(track);
        col.appendChild(el('span', 'hist-value', step(o.label)));
        box.appendChild(col);
      });
    }
    options.forEach(function (o) {
      var col = box.querySelector('[data-option="' + o.id + '"]');
      var n = Number(counts[o.id]) || 0;
      col.querySelector('.hist-count').textContent = W.num(n);
      col.querySelector('.hist-fill').style.height = (top ? Math.round(n * 100 / top) : 0) + '%';
      col.setAttribute('aria-label', W.t('projector.histLabel', { label: step(o.label), count: n }));
    });
    var labels = poll.labels || ['', ''];
    $('hist-low').textContent = labels[0] || '';
    $('hist-high').textContent = labels[1] || '';
    var stats = $('kind-note');
    stats.textContent = t.voters && t.mean != null
      ? W.t('projector.stats', { mean: fmt(t.mean), median: fmt(t.median) }) : W.t('projector.noRatings');
    stats.hidden = false;
  }

  /* A text poll: the cloud of shown entries, or the wall of shown answers. */
  function renderText(poll, t, answers) {
    var wall = poll.show === 'wall';
    $('cloud').toggleAttribute('hidden', wall);
    $('wall').hidden = !wall;
    var note = $('kind-note');
    var n = Number(t.answers) || 0;
    note.textContent = W.t('projector.answers', { count: n });
    note.hidden = false;
    if (!wall) {
      var entries = t.entries || [];
      var key = JSON.stringify(entries);
      if ($('cloud').dataset.key !== key) {
        $('cloud').dataset.key = key;
        window.HandsupCloud.draw($('cloud'), entries, CLOUD_W, CLOUD_H);
        $('cloud').setAttribute('aria-label', W.t('projector.cloudOf', { words: entries.slice(0, 20).map(function (e) {
          return e.text + ' (' + W.num(Number(e.count) || 0) + ')';
        }).join(', ') }));
      }
      return;
    }
    var list = $('wall');
    var shown = answers && answers.poll === poll.id
      ? (answers.items || []).filter(function (a) { return a.status === 'shown'; }).slice(0, WALL_MAX) : [];
    var wkey = JSON.stringify(shown.map(function (a) { return a.id; }));
    if (list.dataset.key === wkey) return;
    list.dataset.key = wkey;
    list.textContent = '';
    shown.forEach(function (a) {
      var li = el('li', 'card', a.text);
      li.setAttribute('dir', 'auto');
      list.appendChild(li);
    });
  }

  /* A qa slide: pinned first, then open questions by votes, answered last. */
  function renderQuestions(list) {
    var ol = $('qa-ranked');
    var items = list ? (list.items || []).filter(function (q) {
      return q.status === 'open' || q.status === 'pinned' || q.status === 'answered';
    }) : [];
    var rank = { pinned: 0, open: 1, answered: 2 };
    items.sort(function (a, b) { return rank[a.status] - rank[b.status] || b.votes - a.votes; });
    ol.textContent = '';
    items.slice(0, QA_MAX).forEach(function (q) {
      var li = el('li', 'qa-row');
      li.dataset.status = q.status;
      var votes = el('span', 'qa-votes', W.num(Number(q.votes) || 0));
      votes.setAttribute('aria-label', W.t('mod.votes', { count: Number(q.votes) || 0 }));
      li.appendChild(votes);
      var text = el('span', 'qa-text', q.text);
      text.setAttribute('dir', 'auto');
      li.appendChild(text);
      if (q.status !== 'open') li.appendChild(el('span', 'qa-flag', W.t(q.status === 'pinned' ? 'mod.pinned' : 'mod.isAnswered')));
      ol.appendChild(li);
    });
    $('qa-none').hidden = items.length > 0;
    $('qa-count').textContent = W.t('projector.questions', { count: items.length });
  }

  window.HandsupPresentKinds = { renderScale: renderScale, renderText: renderText, renderQuestions: renderQuestions };
})();
