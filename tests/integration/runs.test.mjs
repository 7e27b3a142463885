// runs.test.mjs -- runs of the same deck (DESIGN section 10): two runs with
// different votes are kept apart, exported per run and all together, over
// HTTP and from the command line; a phone's token from the first run means
// nothing in the second; serve says which run is live and since when; and a
// data file whose run was last used more than 12 hours ago is not resumed
// without --resume or --new-run.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { CODE, KEY, Server, deck, joinAttendee, joinPresenter, runCli, startServer, tempDir } from './lib.mjs';
import { csvObjects } from './durable-lib.mjs';
import { age, countsOf, tally, unzip, voteRoom } from './runs-lib.mjs';

const RUN1 = ['yes', 'yes', 'yes', 'no'];
const RUN2 = ['yes', 'no', 'no'];
const auth = { Authorization: `Bearer ${KEY}` };
const LIVE_SINCE = /live since \d{4}-\d\d-\d\d \d\d:\d\d [+-]\d{4}/;
const dir = tempDir('handsup-runs-');
const data = path.join(dir, 'runs.db');

test('two runs: their own votes and participants, exports per run and all', async () => {
  let server = await startServer({ data, args: ['--new-run', '--run-label', 'Cardiff'] });
  assert.match(server.stdout, /run: +run 1 \(Cardiff\), new; /);
  assert.match(server.stdout, LIVE_SINCE);
  const tokens = await voteRoom(server, RUN1);
  await server.stop();

  server = await startServer({ data, args: ['--new-run', '--run-label', 'Swansea'] });
  try {
    assert.match(server.stdout, /run: +run 2 \(Swansea\), new; /);
    const p = await joinPresenter(server);
    assert.equal(p.welcome.session.run.number, 2);
    assert.equal(p.welcome.session.run.label, 'Swansea');
    assert.equal(p.welcome.session.run.resumed, false);
    assert.ok(Math.abs(p.welcome.session.run.startedAt - Date.now()) < 60000, 'run started now');
    p.c.close();

    // A phone of the first run comes back: its token is not one of this run.
    const back = await joinAttendee(server, CODE, { participant: tokens[0] });
    assert.notEqual(back.welcome.participant, tokens[0]);
    back.c.close();
    await voteRoom(server, RUN2);

    const live = JSON.parse((await server.get(`/api/sessions/${CODE}/results.json`, auth)).body);
    assert.equal(live.sessions.length, 1);
    assert.deepEqual(countsOf(live.sessions[0]), tally(RUN2), 'the live run by default');
    assert.deepEqual(live.sessions[0].run.number, 2);
    assert.equal(live.sessions[0].participants, RUN2.length + 1);

    const first = JSON.parse((await server.get(`/api/sessions/${CODE}/results.json?run=1`, auth)).body);
    assert.deepEqual(countsOf(first.sessions[0]), tally(RUN1), '?run=1');
    assert.equal(first.sessions[0].run.label, 'Cardiff');
    assert.equal(first.sessions[0].participants, RUN1.length);
    assert.ok(first.sessions[0].run.endedAt, 'an ended run has its end');

    const all = JSON.parse((await server.get(`/api/sessions/${CODE}/results.json?run=all`, auth)).body);
    assert.deepEqual(all.sessions.map((s) => [s.run.number, s.run.label]), [[1, 'Cardiff'], [2, 'Swansea']]);
    assert.deepEqual(all.sessions.map((s) => countsOf(s)), [tally(RUN1), tally(RUN2)]);

    const csv = await server.get(`/api/sessions/${CODE}/results.csv?run=1`, auth);
    assert.equal(csv.status, 200);
    assert.deepEqual([...csv.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'CSV starts with a byte order mark');
    const q1 = csvObjects(csv.body).find((r) => r.poll_id === 'q1');
    assert.equal(q1.session, '1234 5678');
    assert.equal(q1.run, '1');
    assert.equal(q1.run_label, 'Cardiff');
    assert.equal(q1.slide, '3');
    assert.equal(q1.percents, 'Yes: 75.0%; No: 25.0%');
    assert.match(q1.opened_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);

    // The workbook of run 1: a sheet named after the session and run, the
    // code as text, counts as numbers, times as dates (a number with a date
    // style), the polls as a table.
    const xlsx = await server.get(`/api/sessions/${CODE}/results.xlsx?run=1`, auth);
    assert.equal(xlsx.status, 200);
    assert.equal(xlsx.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.match(xlsx.headers.get('content-disposition'), /attachment; filename="12345678-run1\.xlsx"/);
    const parts = await unzip(xlsx.bytes);
    assert.match(parts['xl/workbook.xml'], /<sheet name="Integration deck run 1"/);
    const strings = [...parts['xl/sharedStrings.xml'].matchAll(/<t[^>]*>([^<]*)<\/t>/g)].map((m) => m[1]);
    assert.ok(strings.includes('1234 5678') && strings.includes('Count') && strings.includes('Percent'), strings.join('|'));
    const sheet = parts['xl/worksheets/sheet1.xml'];
    const cell = (ref) => sheet.match(new RegExp(`<c r="${ref}"([^>]*)>(?:<v>([^<]*)</v>)?`));
    const header = strings.indexOf('Count');
    const headerRow = Number(sheet.match(new RegExp(`<c r="H(\\d+)"[^>]*t="s"[^>]*><v>${header}</v>`))[1]);
    const yes = cell(`H${headerRow + 1}`);
    assert.ok(yes && !/t="s"/.test(yes[1]) && Number(yes[2]) === 3, `Count is a number: ${yes && yes[0]}`);
    const opened = cell(`L${headerRow + 1}`);
    assert.ok(opened && /s="\d+"/.test(opened[1]) && Number(opened[2]) > 46000, `Opened is a date: ${opened && opened[0]}`);
    assert.ok(parts['xl/tables/table1.xml'].includes('name="Polls1"'));

    for (const bad of ['3', '0', 'x', '-1', '1.5', '']) {
      const r = await server.get(`/api/sessions/${CODE}/results.json?run=${bad}`, auth);
      assert.equal(r.status, bad === '3' ? 404 : 400, `?run=${bad}: ${r.body}`);
    }
    const nokey = await server.get(`/api/sessions/${CODE}/results.json?run=1`);
    assert.equal(nokey.status, 401, 'another run needs the key too');
  } finally {
    await server.stop();
  }

  // The command line reads the same runs.
  const json = async (...args) => {
    const r = await runCli(['export', '--data', data, '--format', 'json', ...args]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  assert.deepEqual(countsOf((await json()).sessions[0]), tally(RUN2), 'export: latest run by default');
  assert.deepEqual(countsOf((await json('--run', '1')).sessions[0]), tally(RUN1), 'export --run 1');
  assert.deepEqual((await json('--run', 'all')).sessions.map((s) => s.run.number), [1, 2], 'export --run all');
  assert.deepEqual(countsOf((await json('--run', '1', '1234', '5678')).sessions[0]), tally(RUN1),
    'a code written as two arguments');
  const missing = await runCli(['export', '--data', data, '--run', '7', CODE]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no run 7/);
  const half = await runCli(['export', '--data', data, '1234']);
  assert.equal(half.code, 2);
  assert.match(half.stderr, /'1234' does not start an 8-digit join code/);
});

test('resuming says so, and a run last used over 12 hours ago is not resumed unless asked', async () => {
  let server = await startServer({ data, args: ['--resume'] });
  assert.match(server.stdout, /run: +run 2 \(Swansea\), resumed; live since/);
  const p = await joinPresenter(server);
  assert.equal(p.welcome.session.run.number, 2);
  assert.equal(p.welcome.session.run.resumed, true);
  p.c.close();
  await server.stop();

  // Stopped a moment ago: a restart resumes without being told.
  server = await startServer({ data });
  assert.match(server.stdout, /run: +run 2 \(Swansea\), resumed;/);
  await server.stop();

  // Thirteen hours later the same command stops and asks.
  await age(data, 13 * 3600 * 1000);
  const refused = await runCli(['serve', '--port', '0', '--data', data, '--presenter-key', KEY, deck('basic.md')]);
  assert.equal(refused.code, 1, refused.stdout);
  assert.match(refused.stderr, /session 1234 5678 was last served on .* \(run 2, "Swansea", 4 joined\)/);
  assert.match(refused.stderr, /--new-run/);
  assert.match(refused.stderr, /--resume/);

  server = await startServer({ data, args: ['--resume'] });
  assert.match(server.stdout, /run: +run 2 \(Swansea\), resumed;/);
  await server.stop();
  server = await startServer({ data, args: ['--new-run'] });
  assert.match(server.stdout, /run: +run 3, new;/);
  const q = await joinPresenter(server);
  assert.equal(q.state.slide.index, 0, 'a new run starts on the first slide');
  q.c.close();
  await server.stop();

  const both = await runCli(['serve', '--new-run', '--resume', deck('basic.md')]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /exclude each other/);
  const label = await runCli(['serve', '--run-label', 'x', deck('basic.md')]);
  assert.equal(label.code, 2);
});
