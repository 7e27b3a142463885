// export.test.mjs -- exports end to end: a scripted session (attendees vote
// and change votes on two polls, the presenter closes them, a second room
// votes too), then results.csv/json/html over HTTP, `handsup export` while
// the server runs on the file, and after it stopped (stdout and --out, one
// file per session), all with the same exact numbers.  The deck's title and
// question carry quotes, commas, a <script> tag and a leading '=': the CSV
// neutralises the formula with a leading apostrophe and reads back intact
// (strict RFC 4180), the HTML holds no <script and shows the escaped text.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  OTHER_CODE, Server, command, deck, joinAttendee, joinPresenter, runCli, sleep, tempDir,
} from './lib.mjs';
import { csvObjects } from './durable-lib.mjs';

const CODE = '27182818';  // decks/durable-export.md
const TITLE = '=Export "check", with <script>alert(1)</script> & commas';
const QUESTION = '="quotes", commas, <script>alert(1)</script> & more';
const N = 12;

const dir = tempDir('handsup-export-');
const data = path.join(dir, 'export.db');
let server;

// What every export must say, filled in while the votes are cast.
const expected = {
  [CODE]: { title: TITLE, participants: N, polls: {} },
  [OTHER_CODE]: { title: 'Second room', participants: 1, polls: {} },
};

function count(choices, participants) {
  const c = { yes: 0, no: 0 };
  for (const x of choices.values()) c[x]++;
  return { yes: c.yes, no: c.no, voters: c.yes + c.no, participants, status: 'closed' };
}

before(async () => {
  server = new Server({ decks: [deck('durable-export.md'), deck('second.md')], data });
  await server.start();
  const { c: p } = await joinPresenter(server, CODE);
  const attendees = [];
  for (let i = 0; i < N; i++) attendees.push((await joinAttendee(server, CODE, { label: `a${i}` })).c);

  // hostile: ten vote, two change their minds; two never vote.
  await command(p, { type: 'goto', slide: 1 }, (s) => s.poll?.id === 'hostile' && s.poll.status === 'open');
  const hostile = new Map();
  for (let i = 0; i < 10; i++) {
    const choice = i % 3 === 0 ? 'no' : 'yes';
    await attendees[i].vote('hostile', choice);
    hostile.set(i, choice);
  }
  for (const i of [0, 1]) {
    const choice = hostile.get(i) === 'yes' ? 'no' : 'yes';
    await attendees[i].vote('hostile', choice);
    hostile.set(i, choice);
  }
  // Leaving the slide closes it and opens the next poll.
  await command(p, { type: 'goto', slide: 2 }, (s) => s.poll?.id === 'plain' && s.poll.status === 'open');
  const late = attendees[11].request({ type: 'vote', poll: 'hostile', choice: 'yes' });
  assert.equal((await attendees[11].nextError(late)).code, 'poll_closed');
  expected[CODE].polls.hostile = count(hostile, N);

  // plain: nine vote, one changes; then the presenter closes it.
  const plain = new Map();
  for (let i = 0; i < 9; i++) {
    const choice = i % 2 ? 'yes' : 'no';
    await attendees[i].vote('plain', choice);
    plain.set(i, choice);
  }
  await attendees[2].vote('plain', 'yes');
  plain.set(2, 'yes');
  await command(p, { type: 'close' }, (s) => s.poll?.id === 'plain' && s.poll.status === 'closed');
  expected[CODE].polls.plain = count(plain, N);

  // The second room: one vote on its only poll.
  const { c: p2 } = await joinPresenter(server, OTHER_CODE, server.key, { label: 'presenter2' });
  if (p2.latest.state.poll.status !== 'open') {
    await command(p2, { type: 'open' }, (s) => s.poll?.status === 'open');
  }
  const { c: o } = await joinAttendee(server, OTHER_CODE, { label: 'other' });
  await o.vote('other', 'yes');
  await command(p2, { type: 'close' }, (s) => s.poll?.status === 'closed');
  expected[OTHER_CODE].polls.other = count(new Map([[0, 'yes']]), 1);

  await Promise.all([p.close(), p2.close(), o.close(), ...attendees.map((c) => c.close())]);
});

after(async () => {
  await server?.stop();
});

// --- checks shared by every way of exporting ---------------------------------

function checkJson(text, codes, where) {
  const doc = JSON.parse(text);
  assert.deepEqual(doc.sessions.map((s) => s.code).sort(), [...codes].sort(), `${where}: sessions`);
  for (const s of doc.sessions) {
    const want = expected[s.code];
    assert.equal(s.title, want.title, `${where}: title of ${s.code}`);
    assert.equal(s.participants, want.participants, `${where}: participants of ${s.code}`);
    assert.deepEqual(s.polls.map((x) => x.id).sort(), Object.keys(want.polls).sort(), `${where}: polls of ${s.code}`);
    for (const poll of s.polls) {
      const w = want.polls[poll.id];
      const got = { yes: poll.counts.yes, no: poll.counts.no, voters: poll.voters, participants: poll.participants, status: poll.status };
      assert.deepEqual(got, w, `${where}: ${s.code}/${poll.id}`);
      assert.deepEqual(Object.keys(poll.counts).sort(), ['no', 'yes'], `${where}: ${s.code}/${poll.id} counts`);
    }
  }
  const hostile = doc.sessions.find((s) => s.code === CODE)?.polls.find((x) => x.id === 'hostile');
  if (hostile) assert.equal(hostile.question, QUESTION, `${where}: the question, verbatim`);
}

function checkCsv(text, codes, where) {
  const rows = csvObjects(text);  // strict RFC 4180: throws on a malformed file
  const seen = new Set();
  assert.ok(text.startsWith('\uFEFF') || where.startsWith('HTTP'), `${where}: a UTF-8 byte order mark first`);
  for (const r of rows) {
    // Codes are written as they are read out, "2718 2818": text to a spreadsheet.
    assert.match(r.session, /^\d{4} \d{4}$/, `${where}: code as read out`);
    r.session = r.session.replace(' ', '');
    const want = expected[r.session];
    assert.ok(want, `${where}: unexpected session ${JSON.stringify(r)}`);
    seen.add(r.session);
    const w = want.polls[r.poll_id];
    assert.ok(w, `${where}: unexpected poll ${JSON.stringify(r)}`);
    const got = { yes: Number(r.yes), no: Number(r.no), voters: Number(r.voters), participants: Number(r.participants), status: r.status };
    assert.deepEqual(got, w, `${where}: ${r.session}/${r.poll_id}`);
    // A cell starting with '=' becomes a formula in a spreadsheet: it gets
    // a leading apostrophe and otherwise reads back exactly.
    const title = want.title.startsWith('=') ? `'${want.title}` : want.title;
    assert.equal(r.deck_title, title, `${where}: deck_title`);
    if (r.poll_id === 'hostile') assert.equal(r.question, `'${QUESTION}`, `${where}: question`);
  }
  assert.deepEqual([...seen].sort(), [...codes].sort(), `${where}: sessions`);
  const polls = codes.reduce((n, c) => n + Object.keys(expected[c].polls).length, 0);
  assert.equal(rows.length, polls, `${where}: one row per poll`);
}

function decodeHtml(s) {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: '\u00a0', middot: '\u00b7', ndash: '\u2013' }[e] ?? m;
  });
}

// The report is for people, so its numbers are read from its text: the
// chart's label "Yes: n, No: m" and "v of p participants".
function checkHtml(text, codes, where) {
  assert.ok(!/<script/i.test(text), `${where}: the report holds a <script`);
  assert.match(text, /^<!DOCTYPE html>/i, where);
  for (const code of codes) {
    for (const [id, w] of Object.entries(expected[code].polls)) {
      const articles = text.split(/<article\b/).slice(1).filter((a) => a.includes(`<code>${id}</code>`));
      assert.equal(articles.length, 1, `${where}: one report section for poll ${id}`);
      const a = articles[0];
      const chart = a.match(/Yes: (\d+), No: (\d+)/);
      assert.ok(chart, `${where}: ${id}: no "Yes: n, No: m" in\n${a}`);
      const voters = decodeHtml(a).match(/(\d+) of (\d+) participants/);
      assert.ok(voters, `${where}: ${id}: no "v of p participants" in\n${a}`);
      assert.deepEqual({ yes: Number(chart[1]), no: Number(chart[2]), voters: Number(voters[1]), participants: Number(voters[2]) },
        { yes: w.yes, no: w.no, voters: w.voters, participants: w.participants }, `${where}: ${code}/${id}`);
      assert.match(a, /\bclosed\b/, `${where}: ${id} is shown closed`);
      if (id === 'hostile') {
        const h = a.match(/<h3[^>]*>([\s\S]*?)<\/h3>/);
        assert.ok(h, `${where}: no heading for the hostile poll`);
        assert.equal(decodeHtml(h[1]), QUESTION, `${where}: the question shown escaped and intact`);
      }
    }
  }
  if (codes.includes(CODE)) {
    assert.ok(decodeHtml(text).includes(TITLE), `${where}: the title shown intact`);
    assert.ok(text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), `${where}: the tag is shown as text`);
  }
}

const check = { csv: checkCsv, json: checkJson, html: checkHtml };

// --- the tests ---------------------------------------------------------------

test('results.csv, results.json and results.html over HTTP give the exact numbers', async () => {
  const auth = { Authorization: `Bearer ${server.key}` };
  for (const fmt of ['csv', 'json', 'html']) {
    for (const code of [CODE, OTHER_CODE]) {
      const r = await server.get(`/api/sessions/${code}/results.${fmt}`, auth);
      assert.equal(r.status, 200, `${fmt} ${code}: ${r.body}`);
      check[fmt](r.body, [code], `HTTP results.${fmt} of ${code}`);
    }
  }
});

// Votes are in the file once acknowledged, but a close has no acknowledgement
// (docs/storage.md, Durability): the writer commits it a few milliseconds
// after the presenter sees it.  So the file is read until both closes are
// there (bounded) before its exports are checked.
async function untilClosesStored(timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  let polls = [];
  while (Date.now() < deadline) {
    const r = await runCli(['export', '--data', data, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    polls = JSON.parse(r.stdout).sessions.flatMap((x) => x.polls.map((q) => `${x.code}/${q.id}: ${q.status}`));
    if (polls.length && polls.every((q) => q.endsWith(': closed'))) return;
    await sleep(50);
  }
  assert.fail(`the closes did not reach the data file within ${timeoutMs} ms: ${polls.join(', ')}`);
}

test('handsup export works while a server runs on the file', async () => {
  await untilClosesStored();
  for (const fmt of ['csv', 'json', 'html']) {
    const r = await runCli(['export', '--data', data, '--format', fmt]);
    assert.equal(r.code, 0, `export --format ${fmt} while serving: ${r.stderr}`);
    check[fmt](r.stdout, [CODE, OTHER_CODE], `export --format ${fmt} while serving`);
  }
  const one = await runCli(['export', '--data', data, '--format', 'json', CODE]);
  assert.equal(one.code, 0, one.stderr);
  checkJson(one.stdout, [CODE], 'export CODE while serving');
  assert.equal((await server.get('/healthz')).status, 200, 'the server is unharmed');
});

test('handsup export after the server stopped: stdout, one code, and --out with one file per session', async () => {
  await server.stop();
  server = null;
  for (const fmt of ['csv', 'json', 'html']) {
    const all = await runCli(['export', '--data', data, '--format', fmt]);
    assert.equal(all.code, 0, `export --format ${fmt}: ${all.stderr}`);
    check[fmt](all.stdout, [CODE, OTHER_CODE], `export --format ${fmt}`);

    const one = await runCli(['export', '--data', data, '--format', fmt, CODE]);
    assert.equal(one.code, 0, one.stderr);
    check[fmt](one.stdout, [CODE], `export --format ${fmt} ${CODE}`);

    const out = tempDir(`handsup-out-${fmt}-`);
    const files = await runCli(['export', '--data', data, '--format', fmt, '--out', out]);
    assert.equal(files.code, 0, files.stderr);
    assert.deepEqual(readdirSync(out).sort(), [`${CODE}.${fmt}`, `${OTHER_CODE}.${fmt}`].sort(), `--out ${out}`);
    for (const code of [CODE, OTHER_CODE]) {
      const file = path.join(out, `${code}.${fmt}`);
      assert.ok(files.stdout.split('\n').includes(file), `the written file is named on stdout: ${files.stdout}`);
      check[fmt](readFileSync(file, 'utf8'), [code], `--out ${code}.${fmt}`);
    }
  }
  // CSV is the default format.
  const plain = await runCli(['export', '--data', data, CODE]);
  assert.equal(plain.code, 0, plain.stderr);
  checkCsv(plain.stdout, [CODE], 'export without --format');
});

test('handsup export: an unknown code or a missing data file exits 1 with a message', async () => {
  const unknown = await runCli(['export', '--data', data, '--format', 'json', '99999999']);
  assert.equal(unknown.code, 1, `unknown code: exit ${unknown.code}\n${unknown.stdout}${unknown.stderr}`);
  assert.match(unknown.stderr, /99999999/, 'the message names the code');
  assert.equal(unknown.stdout, '', 'nothing on stdout');

  const mixed = await runCli(['export', '--data', data, CODE, '99999999']);
  assert.equal(mixed.code, 1, `a known and an unknown code: exit ${mixed.code}\n${mixed.stderr}`);
  assert.match(mixed.stderr, /99999999/);

  const missing = path.join(dir, 'no-such.db');
  const none = await runCli(['export', '--data', missing]);
  assert.equal(none.code, 1, `no data file: exit ${none.code}`);
  assert.ok(none.stderr.includes(missing), `the message names the file: ${none.stderr}`);
  assert.equal(none.stdout, '');

  const cwd = tempDir('handsup-nodata-');
  const dflt = await runCli(['export'], { cwd });
  assert.equal(dflt.code, 1, `no handsup.db in the current folder: exit ${dflt.code}`);
  assert.match(dflt.stderr, /handsup\.db/, dflt.stderr);
  assert.deepEqual(readdirSync(cwd), [], 'export creates no data file');
});
