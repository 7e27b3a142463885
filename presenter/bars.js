/* bars.js -- the projector's result bars for yes/no and choice polls: one
 * row per option (label, bar, count, share), built once per poll and
 * language, then updated in place on every tally so the bars animate.
 *
 * A bar's share is of the votes cast, or, when each person could pick
 * several, of the people who voted (then the shares add up past 100%).
 * Numbers are written in the deck's language (words.js). */
(function () {
  'use strict';

  var W = window.HandsupProjectorWords;

  function cssEscape(s) {
    return window.CSS && CSS.escape ? CSS.escape(s) : String(s).replace(/["\\]/g, '\\$&');
  }

  function span(cls, text) {
    var e = document.createElement('span');
    e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  /* The option's name on the projector: yes and no in the deck's language. */
  function optionLabel(o, kind) {
    if (kind === 'yesno' && o.id === 'yes') return W.t('option.yes');
    if (kind === 'yesno' && o.id === 'no') return W.t('option.no');
    return kind === 'yesno' ? String(o.label).toUpperCase() : String(o.label);
  }

  /* Rows for options in box (emptied first). */
  function build(box, options, kind) {
    box.textContent = '';
    options.forEach(function (o, i) {
      var row = document.createElement('div');
      row.className = 'bar-row bar-' + (i % 4);
      row.dataset.option = o.id;
      if (/^[A-Za-z0-9_-]+$/.test(o.id)) row.id = 'bar-' + o.id;
      row.setAttribute('role', 'group');
      var label = span('label', optionLabel(o, kind));
      if (kind !== 'yesno') label.setAttribute('dir', 'auto');
      var track = span('track');
      track.appendChild(span('fill'));
      row.appendChild(label);
      row.appendChild(track);
      row.appendChild(span('count', W.num(0)));
      row.appendChild(span('pct', W.t('console.percent', { pct: 0 })));
      box.appendChild(row);
    });
  }

  /* Counts and shares from tally t; several: each person could pick more
   * than one option. */
  function update(box, options, kind, t, several) {
    var counts = t.counts || {};
    var total = 0;
    options.forEach(function (o) { total += Number(counts[o.id]) || 0; });
    if (several) total = Number(t.voters) || 0;
    options.forEach(function (o) {
      var row = box.querySelector('[data-option="' + cssEscape(o.id) + '"]');
      if (!row) return;
      var n = Number(counts[o.id]) || 0;
      var pct = total > 0 ? Math.round(n * 100 / total) : 0;
      row.querySelector('.count').textContent = W.num(n);
      row.querySelector('.pct').textContent = W.t('console.percent', { pct: pct });
      row.querySelector('.fill').style.width = pct + '%';
      row.setAttribute('aria-label', W.t('console.barLabel', { label: optionLabel(o, kind), count: n, pct: pct }));
    });
  }

  window.HandsupBars = { build: build, update: update };
})();
