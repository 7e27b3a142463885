// admin.test.mjs -- the organiser's API (DESIGN section 10): the admin key
// and nothing else opens it (no key, the presenter key and a wrong key all
// get 401 with WWW-Authenticate, on every route, before any body is read);
// a deck uploaded as text/markdown is checked by the deck reader (400 naming
// the line), stored next to the data file and served at once (a phone joins
// its code in the same second); a new run from the API empties the room; a
// deleted run leaves no trace in the data file or its write-ahead log and
// its results answer 404; and `handsup prune` deletes runs older than asked.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { CODE, KEY, Client, joinAttendee, joinPresenter, runCli, startServer, tempDir } from './lib.mjs';
import { csvObjects } from './durable-lib.mjs';
import { ADMIN_KEY, adminHeaders, age, call, countsOf, tally, voteRoom } from './runs-lib.mjs';

const dir = tempDir('handsup-admin-');
const data = path.join(dir, 'admin.db');
// Unique enough that finding it in the file can only mean the run is there.
const LABEL = `Zanzibar-${randomBytes(8).toString('hex')}`;
const RUN1 = ['yes', 'no', 'no'];
let server;

before(async () => {
  server = await startServer({ data, args: ['--admin-key', ADMIN_KEY, '--new-run', '--run-label', LABEL] });
});
after(async () => { await server?.stop(); });

const GOOD_DECK = `---
title: Uploaded in the browser
---

# Welcome

---

<!-- poll: yesno -->
<!-- id: uploaded-q -->

# Did the upload work?
`;

test('the banner gives the organiser\'s page with its key in the fragment', () => {
  const m = server.stdout.match(/organisers: +(http:\/\/\S+)/);
  assert.ok(m, server.stdout);
  assert.ok(m[1].endsWith(`/admin/#${ADMIN_KEY}`), m[1]);
});

test('only the admin key opens the API: no key, the presenter key and a wrong key get 401', async () => {
  const routes = [
    ['GET', '/api/admin/sessions'], ['GET', `/api/admin/sessions/${CODE}/runs`], ['GET', '/api/admin/report.csv'],
    ['POST', '/api/admin/decks', GOOD_DECK], ['POST', `/api/admin/sessions/${CODE}/runs`],
    ['DELETE', `/api/admin/sessions/${CODE}/runs/1`], ['GET', '/api/admin/nothing'],
  ];
  const wrong = { none: {}, presenter: { Authorization: `Bearer ${KEY}` }, wrong: adminHeaders(ADMIN_KEY + 'x'),
    basic: { Authorization: `Basic ${Buffer.from(`admin:${ADMIN_KEY}`).toString('base64')}` } };
  for (const [method, route, body] of routes) {
    for (const [who, headers] of Object.entries(wrong)) {
      const h = body ? { ...headers, 'Content-Type': 'text/markdown' } : headers;
      const r = await call(server, method, route, { headers: h, body });
      assert.equal(r.status, 401, `${method} ${route} with ${who}: ${r.body}`);
      assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer /, `${method} ${route}: WWW-Authenticate`);
      assert.equal(r.json?.error?.code, 'forbidden');
    }
    // The key in the request line is not a way in either.
    const q = await call(server, method, `${route}?key=${ADMIN_KEY}`);
    assert.equal(q.status, 401, `${method} ${route}?key=`);
  }
  const ok = await call(server, 'GET', '/api/admin/sessions', { headers: adminHeaders() });
  assert.equal(ok.status, 200, ok.body);
  const s = ok.json.sessions.find((x) => x.code === CODE);
  assert.ok(s, ok.body);
  assert.equal(s.run.number, 1);
  assert.equal(s.run.label, LABEL);
  assert.equal(s.deck, 'basic.md', 'the deck by its file name');
  assert.match(s.presenterUrl, /\/present\/#12345678\//);
  assert.deepEqual(s.runs.map((r) => [r.number, r.live]), [[1, true]]);
  // The admin key also opens every session's results.
  const res = await call(server, 'GET', `/api/sessions/${CODE}/results.json`, { headers: adminHeaders() });
  assert.equal(res.status, 200);
});

test('a broken deck is refused naming its line; a good one is served at once', async () => {
  const h = { ...adminHeaders(), 'Content-Type': 'text/markdown; charset=utf-8' };
  const broken = `# Hello\n\n---\n\n<!-- poll: maybe -->\n# Which?\n`;
  const bad = await call(server, 'POST', '/api/admin/decks?name=broken.md', { headers: h, body: broken });
  assert.equal(bad.status, 400, bad.body);
  assert.equal(bad.json.error.line, 5);
  assert.match(bad.json.error.message, /^broken\.md:5: /);
  assert.equal(readdirSync(dir).filter((f) => f.endsWith('.md')).length, 0, 'nothing stored for a broken deck');

  const wrongType = await call(server, 'POST', '/api/admin/decks', {
    headers: { ...adminHeaders(), 'Content-Type': 'text/plain' }, body: GOOD_DECK });
  assert.equal(wrongType.status, 415);

  const created = await call(server, 'POST', '/api/admin/decks?name=uploaded.md', { headers: h, body: GOOD_DECK });
  assert.equal(created.status, 201, created.body);
  const code = created.json.code;
  assert.match(code, /^\d{8}$/);
  assert.equal(created.json.deck, 'uploaded.md');
  assert.equal(readFileSync(path.join(dir, 'uploaded.md'), 'utf8'), GOOD_DECK, 'stored next to the data file');
  // A phone joins it in the same second, and votes.
  const p = await joinPresenter(server, code);
  assert.equal(p.welcome.session.title, 'Uploaded in the browser');
  const a = await joinAttendee(server, code);
  assert.equal(a.welcome.role, 'attendee');
  p.c.close();
  a.c.close();
  assert.equal((await server.get(`/j/${code}`)).status, 200);

  // The same name again is stored beside it, never over it.
  const again = await call(server, 'POST', '/api/admin/decks?name=uploaded.md', { headers: h, body: GOOD_DECK });
  assert.equal(again.status, 201, again.body);
  assert.equal(again.json.deck, 'uploaded-2.md');
  assert.notEqual(again.json.code, code);
});

test('a new run from the API empties the room; a deleted run leaves no trace and answers 404', async () => {
  await voteRoom(server, RUN1);
  const phone = await joinAttendee(server, CODE, { label: 'stays' });
  const live = await call(server, 'DELETE', `/api/admin/sessions/${CODE}/runs/1`, { headers: adminHeaders() });
  assert.equal(live.status, 409, 'the live run is not deleted');

  const made = await call(server, 'POST', `/api/admin/sessions/${CODE}/runs`, {
    headers: { ...adminHeaders(), 'Content-Type': 'application/json' }, body: '{"label":"Second"}' });
  assert.equal(made.status, 201, made.body);
  assert.equal(made.json.number, 2);
  const bye = await phone.c.next('bye');
  assert.equal(bye.reason, 'new_run');
  await phone.c.closed;
  const p = await joinPresenter(server);
  assert.equal(p.welcome.session.run.number, 2);
  assert.equal(p.welcome.session.run.label, 'Second');
  assert.equal(p.state.slide.index, 0);
  p.c.close();
  const tally1 = await call(server, 'GET', `/api/sessions/${CODE}/results.json?run=1`, { headers: adminHeaders() });
  assert.deepEqual(countsOf(tally1.json.sessions[0]), tally(RUN1), 'run 1 kept its votes');

  const raw = () => Buffer.concat([data, `${data}-wal`].filter(existsSync).map((f) => readFileSync(f)));
  assert.ok(raw().includes(LABEL), 'the label is in the file before the deletion (the search works)');
  const gone = await call(server, 'DELETE', `/api/admin/sessions/${CODE}/runs/1`, { headers: adminHeaders() });
  assert.equal(gone.status, 200, gone.body);
  assert.equal(gone.json.deleted, 1);
  assert.ok(!raw().includes(LABEL), 'no trace of the run in the data file or its log');
  for (const fmt of ['json', 'csv', 'xlsx']) {
    const r = await call(server, 'GET', `/api/sessions/${CODE}/results.${fmt}?run=1`, { headers: adminHeaders() });
    assert.equal(r.status, 404, `results.${fmt}?run=1 of a deleted run`);
  }
  const twice = await call(server, 'DELETE', `/api/admin/sessions/${CODE}/runs/1`, { headers: adminHeaders() });
  assert.equal(twice.status, 404);
  const list = await call(server, 'GET', `/api/admin/sessions/${CODE}/runs`, { headers: adminHeaders() });
  assert.deepEqual(list.json.runs.map((r) => r.number), [2]);

  const report = await call(server, 'GET', '/api/admin/report.csv', { headers: adminHeaders() });
  assert.equal(report.status, 200);
  assert.deepEqual([...report.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  assert.ok(report.body.startsWith('data_file,session_code,session_title,run,run_label,run_started,poll_id,'
    + 'question,kind,option,option_label,count,voters,joined\r\n'), report.body.slice(0, 200));
  assert.ok(!report.body.includes(LABEL));
});

test('prune deletes the runs older than asked, and only those', async () => {
  const pdir = tempDir('handsup-prune-');
  const pdata = path.join(pdir, 'prune.db');
  const OLD = `Old-${randomBytes(6).toString('hex')}`;
  let s = await startServer({ data: pdata, args: ['--new-run', '--run-label', OLD] });
  await voteRoom(s, ['yes', 'yes']);
  await s.stop();
  await age(pdata, 200 * 24 * 3600 * 1000);
  s = await startServer({ data: pdata, args: ['--new-run', '--run-label', 'Recent'] });
  await voteRoom(s, ['no']);
  const busy = await runCli(['prune', '--data', pdata, '--older-than', '180d']);
  assert.equal(busy.code, 1, 'not while a server holds the file');
  assert.match(busy.stderr, /in use by another handsup server/);
  await s.stop();

  const dry = await runCli(['prune', '--data', pdata, '--older-than', '180d', '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.ok(dry.stdout.includes(`would delete run 1 of session 1234 5678 (${OLD})`), dry.stdout);
  assert.match(dry.stdout, /1 run to delete, 1 kept/);
  const r = await runCli(['prune', '--data', pdata, '--older-than', '180d']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`deleted run 1 of session 1234 5678 \\(${OLD}\\), last used .*, 2 joined`));
  const left = await runCli(['export', '--data', pdata, '--format', 'json', '--run', 'all']);
  const doc = JSON.parse(left.stdout);
  assert.deepEqual(doc.sessions.map((x) => x.run.label), ['Recent']);
  assert.ok(!readFileSync(pdata).includes(OLD), 'no trace of the pruned run');
  for (const bad of ['180', '0d', 'd', '180y', '-5d']) {
    const b = await runCli(['prune', '--data', pdata, '--older-than', bad]);
    assert.equal(b.code, 2, `--older-than ${bad}`);
  }
  const csv = csvObjects((await runCli(['export', '--data', pdata])).stdout);
  assert.ok(csv.every((row) => row.run === '2'));
});

test('a deleted run takes its open answers and audience questions with it, leaving no trace', async () => {
  const ANSWER = `answer-${randomBytes(8).toString('hex')}`;
  const QUESTION = `question-${randomBytes(8).toString('hex')}`;
  const deckText = '---\ntitle: Words\nqa: on\n---\n\n<!-- poll: text -->\n<!-- id: word -->\n\n# One word?\n';
  const up = await call(server, 'POST', '/api/admin/decks?name=words.md', {
    headers: { ...adminHeaders(), 'Content-Type': 'text/markdown' }, body: deckText });
  assert.equal(up.status, 201, up.body);
  const code = up.json.code;
  const a = await joinAttendee(server, code);
  const id1 = a.c.request({ type: 'answer', poll: 'word', text: ANSWER });
  assert.equal((await a.c.next(['ack', 'error'], (m) => m.id === id1)).type, 'ack');
  const id2 = a.c.request({ type: 'ask', text: QUESTION });
  assert.equal((await a.c.next(['ack', 'error'], (m) => m.id === id2)).type, 'ack');
  a.c.close();
  const raw = () => Buffer.concat([data, `${data}-wal`].filter(existsSync).map((f) => readFileSync(f)));
  assert.ok(raw().includes(ANSWER) && raw().includes(QUESTION), 'both are in the file before the deletion');
  const made = await call(server, 'POST', `/api/admin/sessions/${code}/runs`, { headers: adminHeaders() });
  assert.equal(made.status, 201, made.body);
  const gone = await call(server, 'DELETE', `/api/admin/sessions/${code}/runs/1`, { headers: adminHeaders() });
  assert.equal(gone.status, 200, gone.body);
  const bytes = raw();
  assert.ok(!bytes.includes(ANSWER), 'no trace of the answer in the data file or its log');
  assert.ok(!bytes.includes(QUESTION), 'no trace of the question in the data file or its log');
  const answers = await call(server, 'GET', `/api/sessions/${code}/answers.csv?run=1`, { headers: adminHeaders() });
  assert.equal(answers.status, 404);
});
