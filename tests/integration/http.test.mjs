// http.test.mjs -- the HTTP routes of docs/protocol.md: pages, QR codes,
// health, the results API with its Bearer key, security headers, HEAD on
// every route, codes written with a space, and two decks served side by
// side as two sessions.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { CODE, Client, KEY, OTHER_CODE, SLIDE, command, deck, joinAttendee, joinPresenter, startServer } from './lib.mjs';
import { rawHttp } from './hostile-frames.mjs';

let server;

before(async () => {
  server = await startServer({ decks: [deck('basic.md'), deck('second.md')] });
});

after(async () => {
  await server?.stop();
});

// RFC 4180: fields separated by commas, quoted fields may hold commas,
// newlines and doubled quotes; records end with CRLF (LF accepted).
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (ch === '"') { quoted = false; i++; continue; }
      field += ch; i++; continue;
    }
    if (ch === '"' && field === '') { quoted = true; i++; continue; }
    if (ch === ',') { row.push(field); field = ''; i++; continue; }
    if (ch === '\r' && text[i + 1] === '\n') { i++; continue; }
    if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; continue; }
    field += ch; i++;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

test('/healthz answers 200 with the session count', async () => {
  const r = await server.get('/healthz');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  const h = JSON.parse(r.body);
  assert.equal(h.status, 'ok');
  assert.equal(h.sessions, 2);
});

test('attendee pages: /, /j/<code>; unknown code 404', async () => {
  for (const p of ['/', `/j/${CODE}`, `/j/${OTHER_CODE}`]) {
    const r = await server.get(p);
    assert.equal(r.status, 200, p);
    assert.match(r.headers.get('content-type'), /^text\/html/, p);
    assert.match(r.body, /<html/i, p);
  }
  const r = await server.get('/j/99999999');
  assert.equal(r.status, 404);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  for (const p of ['/j/1234', '/j/abcdefgh', '/nothing-here']) {
    assert.equal((await server.get(p)).status, 404, p);
  }
});

test('presenter page: /present/', async () => {
  const r = await server.get('/present/');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html/);
});

test('HTML pages carry the security headers', async () => {
  for (const p of ['/', `/j/${CODE}`, '/present/']) {
    const r = await server.get(p);
    const csp = r.headers.get('content-security-policy');
    assert.ok(csp, `${p}: Content-Security-Policy missing`);
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim()).filter(Boolean)
      .map((d) => { const [k, ...v] = d.split(/\s+/); return [k.toLowerCase(), v]; }));
    const scriptSrc = directives['script-src'] || directives['default-src'];
    assert.ok(scriptSrc, `${p}: CSP has neither script-src nor default-src: ${csp}`);
    assert.ok(!scriptSrc.includes("'unsafe-inline'"), `${p}: script-src allows unsafe-inline: ${csp}`);
    assert.ok(!scriptSrc.includes("'unsafe-eval'"), `${p}: script-src allows unsafe-eval: ${csp}`);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', p);
  }
});

test('QR codes: SVG for a known code, 404 for an unknown one', async () => {
  for (const code of [CODE, OTHER_CODE]) {
    const r = await server.get(`/qr/${code}.svg`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^image\/svg\+xml/);
    const body = r.body.trim();
    assert.ok(body.startsWith('<svg') || body.startsWith('<?xml'), body.slice(0, 80));
    assert.ok(body.endsWith('</svg>'), body.slice(-80));
    assert.equal((body.match(/<svg[\s>]/g) || []).length, 1, 'one svg element');
    assert.ok(body.length > 200, 'a QR code has some content');
  }
  assert.notEqual((await server.get(`/qr/${CODE}.svg`)).body, (await server.get(`/qr/${OTHER_CODE}.svg`)).body,
    'two sessions, two QR codes');
  assert.equal((await server.get('/qr/99999999.svg')).status, 404);
});

test('two decks: two sessions, each with its own code, both joinable', async () => {
  const a = await joinAttendee(server, CODE, { label: 'room-a' });
  const b = await joinAttendee(server, '8765 4321', { label: 'room-b' });  // spaces are ignored
  assert.equal(a.welcome.session.code, CODE);
  assert.equal(a.welcome.session.title, 'Integration deck');
  assert.equal(b.welcome.session.code, OTHER_CODE);
  assert.equal(b.welcome.session.title, 'Second room');
  assert.equal(b.state.slide.count, 2);
  const pb = await joinPresenter(server, OTHER_CODE);
  assert.equal(pb.welcome.deck.slides.length, 2);
  assert.equal(pb.welcome.deck.slides[0].poll.id, 'other');
  // Moving one room does not move the other.
  await command(pb.c, { type: 'next' }, (s) => s.slide.index === 1);
  await b.c.next('state', (s) => s.slide.index === 1);
  assert.ok(!a.c.seen.some((m) => m.type === 'state' && m.slide.index === 1));
  await Promise.all([a.c.close(), b.c.close(), pb.c.close()]);
});

test('results API: 401 without or with a wrong key, 404 for an unknown code', async () => {
  for (const fmt of ['csv', 'json']) {
    const p = `/api/sessions/${CODE}/results.${fmt}`;
    const none = await server.get(p);
    assert.equal(none.status, 401, `${p} without Authorization`);
    assert.match(none.headers.get('www-authenticate') || '', /^Bearer/, 'WWW-Authenticate: Bearer');
    assert.match(none.headers.get('content-type'), /^application\/json/);
    assert.equal(typeof JSON.parse(none.body).error.code, 'string');
    for (const auth of [`Bearer wrong-key-0123456789abc`, `Bearer ${KEY}x`, `Basic ${KEY}`, KEY]) {
      const r = await server.get(p, { Authorization: auth });
      assert.equal(r.status, 401, `${p} with Authorization: ${auth}`);
    }
    const unknown = await server.get(`/api/sessions/99999999/results.${fmt}`, { Authorization: `Bearer ${KEY}` });
    assert.equal(unknown.status, 404, `unknown code, ${fmt}`);
    assert.equal(typeof JSON.parse(unknown.body).error.code, 'string');
  }
});

test('results API: the right key gets the right numbers in CSV and JSON', async () => {
  // Script: q1 gets yes, yes, no; q3 gets one yes; q2 is never opened.
  const { c: p } = await joinPresenter(server);
  await command(p, { type: 'goto', slide: SLIDE.q1 }, (s) => s.poll?.id === 'q1' && s.poll.status === 'open');
  const voters = await Promise.all([0, 1, 2].map((i) => joinAttendee(server, CODE, { label: `voter${i}` })));
  await voters[0].c.vote('q1', 'yes');
  await voters[1].c.vote('q1', 'yes');
  await voters[2].c.vote('q1', 'no');
  await command(p, { type: 'goto', slide: SLIDE.q3 }, (s) => s.poll?.id === 'q3' && s.poll.status === 'open');
  await voters[0].c.vote('q3', 'yes');
  const expected = {
    q1: { yes: 2, no: 1 },
    q2: { yes: 0, no: 0 },
    q3: { yes: 1, no: 0 },
  };

  const auth = { Authorization: `Bearer ${KEY}` };
  const json = await server.get(`/api/sessions/${CODE}/results.json`, auth);
  assert.equal(json.status, 200, json.body);
  assert.match(json.headers.get('content-type'), /^application\/json/);
  const doc = JSON.parse(json.body);
  assert.equal(doc.sessions.length, 1);
  const s = doc.sessions[0];
  assert.equal(s.code, CODE);
  assert.deepEqual(s.polls.map((x) => x.id ?? x.poll ?? x.poll_id), ['q1', 'q2', 'q3'], JSON.stringify(s.polls));
  s.polls.forEach((poll, i) => {
    const id = ['q1', 'q2', 'q3'][i];
    assert.deepEqual(poll.counts, expected[id], `json ${id}: ${JSON.stringify(poll)}`);
    assert.equal(poll.voters, expected[id].yes + expected[id].no, `json ${id} voters`);
  });

  const csv = await server.get(`/api/sessions/${CODE}/results.csv`, auth);
  assert.equal(csv.status, 200, csv.body);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  const rows = parseCsv(csv.body);
  const header = rows[0].map((h) => h.trim().toLowerCase());
  assert.equal(rows.length, 1 + 3, `header and one row per poll:\n${csv.body}`);
  for (const r of rows) assert.equal(r.length, header.length, `every row as wide as the header:\n${csv.body}`);
  const col = (re) => {
    const k = header.findIndex((h) => re.test(h));
    assert.ok(k >= 0, `no CSV column matching ${re} in ${header.join(',')}`);
    return k;
  };
  const pollCol = col(/^(poll|poll[ _]?id|id)$/);
  const yesCol = col(/(^|[ _])yes($|[ _])/);
  const noCol = col(/(^|[ _])no($|[ _])/);
  const votersCol = col(/(^|[ _])voters$/);
  for (const r of rows.slice(1)) {
    const id = r[pollCol];
    assert.ok(expected[id], `unexpected poll ${id} in CSV`);
    assert.equal(Number(r[yesCol]), expected[id].yes, `csv ${id} yes`);
    assert.equal(Number(r[noCol]), expected[id].no, `csv ${id} no`);
    assert.equal(Number(r[votersCol]), expected[id].yes + expected[id].no, `csv ${id} voters`);
  }

  // The HTML report answers too.
  const html = await server.get(`/api/sessions/${CODE}/results.html`, auth);
  assert.equal(html.status, 200);
  assert.match(html.headers.get('content-type'), /^text\/html/);
  assert.match(html.body, /Is this the first question\?/);

  await Promise.all([p.close(), ...voters.map((v) => v.c.close())]);
});

test('WebSocket upgrades from a foreign Origin are refused', async () => {
  await assert.rejects(Client.connect(server, { origin: 'http://evil.example', label: 'foreign' }));
  const c = await Client.connect(server, { origin: null, label: 'no-origin' });  // scripts send none
  await c.close();
});

// Sends HEAD path and then GET /healthz on one kept-alive connection, so a
// body sent after the HEAD headers would show up before the second answer.
// Returns the HEAD answer's status and headers and the bytes between it
// and the second answer.
async function head(p, headers = {}) {
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  const host = `Host: 127.0.0.1:${server.port}\r\n`;
  const r = await rawHttp(server.port, [
    `HEAD ${p} HTTP/1.1\r\n${host}${extra}\r\n`,
    `GET /healthz HTTP/1.1\r\n${host}\r\n`,
  ], { gapMs: 150, settleMs: 300 });
  const end = r.text.indexOf('\r\n\r\n');
  assert.ok(end > 0, `HEAD ${p}: no answer: ${JSON.stringify(r.text)}`);
  const [statusLine, ...lines] = r.text.slice(0, end).split('\r\n');
  const hdrs = new Map(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  const rest = r.text.slice(end + 4);
  const next = rest.indexOf('HTTP/1.');
  return { status: Number(statusLine.split(' ')[1]), headers: hdrs, between: next < 0 ? rest : rest.slice(0, next), rest };
}

test('HEAD answers like GET, with the same status and headers and no body, on every route', async () => {
  const auth = { Authorization: `Bearer ${KEY}` };
  const routes = [
    ['/healthz'], [`/j/${CODE}`], ['/j/99999999'], [`/qr/${CODE}.svg`], ['/qr/99999999.svg'],
    [`/api/sessions/${CODE}/results.csv`], [`/api/sessions/${CODE}/results.csv`, auth],
    [`/api/sessions/${CODE}/results.json`, auth], [`/api/sessions/${CODE}/results.html`, auth],
    ['/api/sessions/99999999/results.csv', auth], ['/api/nothing'],
    ['/'], ['/present/'], ['/style.css'], ['/no-such-page'],
  ];
  for (const [p, h = {}] of routes) {
    const get = await server.get(p, h);
    const r = await head(p, h);
    const what = `HEAD ${p}${h.Authorization ? ' (with the key)' : ''}`;
    assert.equal(r.status, get.status, what);
    assert.equal(r.headers.get('content-type'), get.headers.get('content-type'), what);
    for (const name of ['content-security-policy', 'x-content-type-options', 'www-authenticate']) {
      assert.equal(r.headers.get(name) ?? null, get.headers.get(name), `${what}: ${name}`);
    }
    // The length GET sends (results carry no clock, so they match too).
    assert.equal(r.headers.get('content-length'), String(get.bytes.length), what);
    assert.equal(r.between, '', `${what}: a body was sent: ${JSON.stringify(r.between.slice(0, 80))}`);
    assert.match(r.rest, /^HTTP\/1\.1 200/, `${what}: the connection still serves the next request: ${JSON.stringify(r.rest.slice(0, 300))}`);
  }
});

test('methods other than GET and HEAD: 405 with Allow', async () => {
  for (const method of ['POST', 'PUT', 'DELETE']) {
    const res = await fetch(server.url('/healthz'), { method, signal: AbortSignal.timeout(5000) });
    await res.text();
    assert.equal(res.status, 405, method);
    assert.equal(res.headers.get('allow'), 'GET, HEAD', method);
  }
});

test('codes written with a space work in every route like the plain code; unknown codes stay 404', async () => {
  const spaced = `${CODE.slice(0, 4)}%20${CODE.slice(4)}`;
  const plus = `${CODE.slice(0, 4)}+${CODE.slice(4)}`;
  for (const c of [spaced, plus]) {
    const page = await server.get(`/j/${c}`);
    assert.equal(page.status, 200, `/j/${c}`);
    assert.match(page.body, /<html/i);
  }
  const qr = await server.get(`/qr/${spaced}.svg`);
  assert.equal(qr.status, 200);
  assert.equal(qr.body, (await server.get(`/qr/${CODE}.svg`)).body, 'the same QR code');
  const auth = { Authorization: `Bearer ${KEY}` };
  for (const ext of ['csv', 'json']) {
    const r = await server.get(`/api/sessions/${spaced}/results.${ext}`, auth);
    assert.equal(r.status, 200, `${ext}: ${r.body}`);
    assert.equal(r.body, (await server.get(`/api/sessions/${CODE}/results.${ext}`, auth)).body);
  }
  assert.equal((await server.get('/j/9999%209999')).status, 404);
  assert.equal((await server.get(`/j/${CODE.slice(0, 4)}%20${CODE.slice(4, 7)}`)).status, 404);
  assert.equal((await server.get('/qr/9999%209999.svg')).status, 404);
  const unknown = await server.get('/api/sessions/9999%209999/results.csv', auth);
  assert.equal(unknown.status, 404);
  assert.equal(JSON.parse(unknown.body).error.code, 'unknown_session');
});
