/* admin.js -- the organiser's page: every session and run with live figures,
 * a new run, links to each presenter view and console, every export and the
 * report, a session from an uploaded deck, deleting a run (DESIGN section 10).
 *
 * The admin key comes from the URL fragment (#<key>), which browsers never
 * send, and travels only in the Authorization header of the API's requests.
 * Live figures: GET /api/admin/sessions once a second while the page is
 * shown (never two requests at once).  Session cards are built once and
 * their figures updated in place, so a half-typed run label survives. */
(function () {
  'use strict';

  var POLL_MS = 1000;

  var app = { key: '', cards: {}, timer: null, inflight: false, failing: false };

  function $(id) { return document.getElementById(id); }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function fmtCode(c) { return /^\d{8}$/.test(c) ? c.slice(0, 4) + ' ' + c.slice(4) : c; }

  function fmtTime(iso) {
    if (!iso) return '';
    var d = new Date(iso);
    if (isNaN(d.getTime())) return '';
    return d.toLocaleString(undefined, { day: 'numeric', month: 'short', year: 'numeric',
      hour: '2-digit', minute: '2-digit' });
  }

  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }

  function setStatus(text, bad) {
    var s = $('status');
    s.textContent = text;
    s.classList.toggle('bad', !!bad);
  }

  function api(method, path, body, type) {
    var headers = { Authorization: 'Bearer ' + app.key };
    if (type) headers['Content-Type'] = type;
    return fetch(path, { method: method, headers: headers, body: body, cache: 'no-store' });
  }

  async function errorText(res) {
    try {
      var j = await res.json();
      if (j && j.error) return j.error.message;
    } catch (e) { /* not JSON */ }
    return 'the server answered ' + res.status;
  }

  function save(blob, name) {
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  async function download(path, name, button) {
    if (button) button.disabled = true;
    try {
      var res = await api('GET', path);
      if (!res.ok) throw new Error(await errorText(res));
      save(await res.blob(), name);
    } catch (e) {
      setStatus('Download failed: ' + e.message, true);
    } finally {
      if (button) button.disabled = false;
    }
  }

  /* ---- the key ---- */

  function readKey() {
    var h = location.hash.replace(/^#/, '');
    try { return decodeURIComponent(h); } catch (e) { return h; }
  }

  function needKey(message) {
    stop();
    $('content').hidden = true;
    $('need-key').hidden = false;
    $('key-error').hidden = !message;
    $('key-error').textContent = message || '';
    setStatus('Not signed in', !!message);
    $('key-input').focus();
  }

  /* ---- live figures ---- */

  function stop() {
    if (app.timer) clearTimeout(app.timer);
    app.timer = null;
  }

  function schedule() {
    stop();
    app.timer = setTimeout(refresh, POLL_MS);
  }

  async function refresh() {
    if (app.inflight) return;
    if (document.hidden) { schedule(); return; }
    app.inflight = true;
    try {
      var res = await api('GET', '/api/admin/sessions');
      if (res.status === 401) { needKey('That admin key is not the right one.'); return; }
      if (!res.ok) throw new Error(await errorText(res));
      var doc = await res.json();
      render(doc);
      app.failing = false;
      setStatus('Live · updated ' + new Date().toLocaleTimeString());
    } catch (e) {
      if (!app.failing) setStatus('Cannot reach the server; retrying', true);
      app.failing = true;
    } finally {
      app.inflight = false;
      if (app.key && $('need-key').hidden) schedule();
    }
  }

  function render(doc) {
    $('need-key').hidden = true;
    $('content').hidden = false;
    $('data-file').textContent = doc.dataFile ? 'Data file: ' + doc.dataFile : '';
    var list = $('sessions');
    var seen = {};
    doc.sessions.forEach(function (s) {
      seen[s.code] = true;
      var c = app.cards[s.code];
      if (!c) {
        c = app.cards[s.code] = buildCard(s);
        list.appendChild(c.root);
      }
      updateCard(c, s);
    });
    Object.keys(app.cards).forEach(function (code) {
      if (!seen[code]) { app.cards[code].root.remove(); delete app.cards[code]; }
    });
    if (!doc.sessions.length && !list.querySelector('.empty')) list.appendChild(el('p', 'empty', 'No sessions yet.'));
    if (doc.sessions.length) { var e = list.querySelector('.empty'); if (e) e.remove(); }
  }

  function link(href, text) {
    var a = el('a', null, text);
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener';
    return a;
  }

  /* fmt: a results format (csv, xlsx, json, html), or answers / questions
   * for every open answer or audience question as CSV. */
  function exportButton(code, fmt, run, label) {
    var b = el('button', 'small', label || fmt.toUpperCase());
    b.type = 'button';
    var file = fmt === 'answers' || fmt === 'questions' ? fmt + '.csv' : 'results.' + fmt;
    b.addEventListener('click', function () {
      var q = run ? '?run=' + run : '';
      download('/api/sessions/' + code + '/' + file + q, code + (run ? '-run' + run : '') + '-' + file, b);
    });
    return b;
  }

  function buildCard(s) {
    var c = { code: s.code, runsKey: '' };
    var root = c.root = el('article', 'session');
    root.id = 'session-' + s.code;
    var head = el('div', 'session-head');
    c.title = el('h2', 'session-title');
    head.appendChild(c.title);
    c.code_ = el('span', 'code', fmtCode(s.code));
    c.code_.setAttribute('aria-label', 'join code ' + fmtCode(s.code));
    head.appendChild(c.code_);
    root.appendChild(head);
    c.meta = el('p', 'meta');
    root.appendChild(c.meta);

    var figures = el('dl', 'figures');
    function fig(name) {
      var d = el('div', 'figure');
      d.appendChild(el('dt', null, name));
      var v = el('dd');
      d.appendChild(v);
      figures.appendChild(d);
      return v;
    }
    c.joined = fig('Joined');
    c.connected = fig('Connected now');
    c.slide = fig('Slide');
    c.poll = fig('Poll on screen');
    root.appendChild(figures);

    var links = el('p', 'links');
    c.links = links;
    root.appendChild(links);

    var exp = el('div', 'row exports');
    exp.appendChild(el('span', 'label', 'Results of the live run:'));
    ['csv', 'xlsx', 'json', 'html'].forEach(function (f) { exp.appendChild(exportButton(s.code, f)); });
    exp.appendChild(exportButton(s.code, 'answers', 0, 'Answers CSV'));
    exp.appendChild(exportButton(s.code, 'questions', 0, 'Questions CSV'));
    root.appendChild(exp);

    root.appendChild(el('h3', null, 'Runs'));
    c.runs = el('div', 'runs');
    root.appendChild(c.runs);

    var form = el('form', 'row new-run');
    var id = 'label-' + s.code;
    var lab = el('label', null, 'Label of a new run');
    lab.htmlFor = id;
    var input = el('input');
    input.id = id;
    input.maxLength = 200;
    input.placeholder = 'e.g. Cardiff, March';
    var btn = el('button', null, 'Start a new run');
    btn.type = 'submit';
    form.appendChild(lab);
    form.appendChild(input);
    form.appendChild(btn);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      newRun(s.code, input, btn);
    });
    root.appendChild(form);
    return c;
  }

  function updateCard(c, s) {
    c.title.textContent = s.title;
    var run = s.run || {};
    c.meta.textContent = 'Deck ' + s.deck + ' · run ' + run.number + (run.label ? ' (' + run.label + ')' : '') +
      (run.resumed ? ', resumed' : '') + ', live since ' + fmtTime(run.startedAt);
    var live = s.live || {};
    c.joined.textContent = live.participants;
    c.connected.textContent = live.connected;
    c.slide.textContent = live.slide + ' of ' + live.slides;
    c.poll.textContent = live.poll ? live.poll.question + ' — ' + live.poll.status + ', ' +
      plural(live.poll.voters, 'voter', 'voters') : 'none';
    if (!c.links.childNodes.length) {
      c.links.appendChild(link(s.presenterUrl, 'Presenter view'));
      c.links.appendChild(document.createTextNode(' · '));
      c.links.appendChild(link(s.consoleUrl, 'Speaker console'));
      c.links.appendChild(document.createTextNode(' · '));
      c.links.appendChild(link(s.joinUrl, 'Attendee page'));
    }
    var key = JSON.stringify(s.runs);
    if (key !== c.runsKey) {
      c.runsKey = key;
      renderRuns(c, s);
    } else {
      var live1 = c.runs.querySelector('tr.live td.joined');
      if (live1) live1.textContent = live.participants;
    }
  }

  function renderRuns(c, s) {
    var table = el('table', 'runs-table');
    var thead = el('thead');
    var tr = el('tr');
    ['Run', 'Label', 'Started', 'Ended', 'Joined', 'Exports', ''].forEach(function (h) { tr.appendChild(el('th', null, h)); });
    thead.appendChild(tr);
    table.appendChild(thead);
    var tbody = el('tbody');
    (s.runs || []).slice().reverse().forEach(function (r) {
      var row = el('tr', r.live ? 'live' : '');
      row.appendChild(el('td', null, r.number));
      row.appendChild(el('td', null, r.label || '—'));
      row.appendChild(el('td', null, fmtTime(r.startedAt)));
      row.appendChild(el('td', null, r.live ? 'live now' : fmtTime(r.endedAt)));
      row.appendChild(el('td', 'joined', r.participants));
      var ex = el('td', 'exports');
      ex.appendChild(exportButton(s.code, 'csv', r.number));
      ex.appendChild(exportButton(s.code, 'xlsx', r.number));
      ex.appendChild(exportButton(s.code, 'json', r.number));
      row.appendChild(ex);
      var act = el('td');
      if (!r.live) {
        var del = el('button', 'small danger', 'Delete…');
        del.type = 'button';
        del.setAttribute('aria-label', 'Delete run ' + r.number);
        del.addEventListener('click', function () { confirmDelete(s, r); });
        act.appendChild(del);
      }
      row.appendChild(act);
      tbody.appendChild(row);
    });
    table.appendChild(tbody);
    c.runs.replaceChildren(table);
  }

  /* ---- actions ---- */

  async function newRun(code, input, btn) {
    btn.disabled = true;
    try {
      var res = await api('POST', '/api/admin/sessions/' + code + '/runs',
        JSON.stringify({ label: input.value.trim() }), 'application/json');
      if (!res.ok) throw new Error(await errorText(res));
      var j = await res.json();
      input.value = '';
      setStatus('Run ' + j.number + ' of ' + fmtCode(code) + ' started: phones join it afresh.');
      refresh();
    } catch (e) {
      setStatus('No new run: ' + e.message, true);
    } finally {
      btn.disabled = false;
    }
  }

  function confirmDelete(s, r) {
    var d = $('confirm');
    $('confirm-text').textContent = 'Run ' + r.number + (r.label ? ' (' + r.label + ')' : '') + ' of “' + s.title +
      '”, started ' + fmtTime(r.startedAt) + ', with ' + plural(r.participants, 'participant', 'participants') +
      ': its votes, answers and questions are erased from the data file.';
    d.returnValue = '';
    d.onclose = async function () {
      if (d.returnValue !== 'delete') return;
      var res = await api('DELETE', '/api/admin/sessions/' + s.code + '/runs/' + r.number);
      if (res.ok) setStatus('Run ' + r.number + ' of ' + fmtCode(s.code) + ' deleted.');
      else setStatus('Not deleted: ' + (await errorText(res)), true);
      refresh();
    };
    d.showModal();
    $('confirm-cancel').focus();
  }

  function showDeckError(text, err) {
    var out = $('upload-result');
    out.replaceChildren();
    var p = el('p', 'error', err.message);
    p.setAttribute('role', 'alert');
    out.appendChild(p);
    if (!err.line) return;
    var lines = text.split('\n');
    var pre = el('ol', 'deck-lines');
    var from = Math.max(1, err.line - 3), to = Math.min(lines.length, err.line + 3);
    pre.start = from;
    for (var n = from; n <= to; n++) {
      var li = el('li', n === err.line ? 'bad-line' : '', lines[n - 1]);
      if (n === err.line) li.setAttribute('aria-current', 'true');
      pre.appendChild(li);
    }
    out.appendChild(pre);
  }

  async function upload(ev) {
    ev.preventDefault();
    var file = $('upload-file').files[0];
    if (!file) return;
    var text = await file.text();
    var out = $('upload-result');
    out.replaceChildren(el('p', null, 'Checking ' + file.name + '…'));
    try {
      var res = await api('POST', '/api/admin/decks?name=' + encodeURIComponent(file.name), text, 'text/markdown; charset=utf-8');
      var j = await res.json();
      if (res.status === 400) { showDeckError(text, j.error); return; }
      if (!res.ok) throw new Error(j.error ? j.error.message : 'status ' + res.status);
      var p = el('p', 'ok', '“' + j.title + '” is served now with code ' + fmtCode(j.code) + ' (stored as ' + j.deck + ').');
      out.replaceChildren(p);
      (j.warnings || []).forEach(function (w) { out.appendChild(el('p', 'warning', w)); });
      $('upload-form').reset();
      refresh();
    } catch (e) {
      out.replaceChildren(el('p', 'error', 'Not added: ' + e.message));
    }
  }

  function start() {
    app.key = readKey();
    if (!app.key) { needKey(''); return; }
    $('need-key').hidden = true;
    refresh();
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('key-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      location.hash = encodeURIComponent($('key-input').value);
      $('key-input').value = '';
    });
    $('upload-form').addEventListener('submit', upload);
    ['html', 'csv', 'json'].forEach(function (f) {
      $('report-' + f).addEventListener('click', function () {
        download('/api/admin/report.' + f, 'report.' + f, $('report-' + f));
      });
    });
    document.addEventListener('visibilitychange', function () { if (!document.hidden && app.key) refresh(); });
    window.addEventListener('hashchange', function () {
      Object.keys(app.cards).forEach(function (k) { app.cards[k].root.remove(); });
      app.cards = {};
      start();
    });
    start();
  });
})();
