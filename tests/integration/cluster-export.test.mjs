// cluster-export.test.mjs -- results of a cluster come out of Redis (DESIGN.md
// section 12): phones on two nodes vote on two polls; then
//   - /api/.../results.json and results.csv answer the same from both nodes;
//   - `handsup export --redis URL` (json and csv) and `handsup report --redis
//     URL` agree with what the phones were acknowledged, while the nodes run;
//   - `handsup export --redis URL --data FILE --format sqlite` archives it into
//     a SQLite data file (integrity ok) that `handsup export --data FILE` and
//     `handsup report --data FILE` read to the same results, and a second
//     archive of the same Redis into the same file is refused or identical,
//     never doubled.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { CODE, SLIDE, command, joinAttendee, joinPresenter, pool, runCli, tempDir } from './lib.mjs';
import { haveSqlite3, parseCsv, sql } from './durable-lib.mjs';
import { archive, exportJson, skipWithoutRedis, startCluster, until } from './cluster-lib.mjs';

let cl;
const want = { q1: { yes: 0, no: 0 }, q2: { yes: 0, no: 0 } };
const dir = tempDir('handsup-cluster-export-');

before(async () => {
  if (skipWithoutRedis) return;
  cl = await startCluster({ n: 2 });
  const [A, B] = cl.nodes;
  const { c: p } = await joinPresenter(A);
  const phones = await pool(Array.from({ length: 24 }, (_, i) => i), 8, async (i) => (await joinAttendee(i % 2 ? B : A, CODE, { label: `p${i}` })).c);
  for (const [poll, slide] of [['q1', SLIDE.q1], ['q2', SLIDE.q2]]) {
    await command(p, { type: 'goto', slide }, (s) => s.poll?.id === poll && s.poll.status === 'open');
    await pool(phones, 8, async (c, i) => {
      await c.next('state', (s) => s.poll?.id === poll && s.poll.status === 'open');
      if (i % 5 === 4) return;  // some do not vote
      const choice = (i * 7 + poll.length) % 3 ? 'yes' : 'no';
      await c.vote(poll, choice);
      want[poll][choice]++;
    });
    await command(p, { type: 'close' }, (s) => s.poll?.status === 'closed');
  }
  phones.forEach((c) => c.close());
  p.close();
});

after(async () => {
  await cl?.stop();
});

const voters = (c) => c.yes + c.no;

test('/api/ answers the same results from both nodes', { skip: skipWithoutRedis }, async () => {
  const docs = [];
  for (const node of cl.nodes) {
    // A node answers from its room, which has the other node's last votes
    // once their notices arrive (milliseconds; more under ASan): wait for that.
    let r;
    await until(async () => {
      r = await node.get(`/api/sessions/${CODE}/results.json`, { Authorization: `Bearer ${node.key}` });
      const q = r.status === 200 && JSON.parse(r.body).sessions.find((x) => x.code === CODE);
      return q && ['q1', 'q2'].every((id) => voters(q.polls.find((x) => x.id === id).counts) === voters(want[id]));
    }, 5000, `${node.label} has every acknowledged vote`).catch(() => {});
    assert.equal(r.status, 200, r.body);
    const s = JSON.parse(r.body).sessions.find((x) => x.code === CODE);
    for (const poll of ['q1', 'q2']) {
      const got = s.polls.find((x) => x.id === poll);
      assert.deepEqual(got.counts, want[poll], `${node.label} results.json ${poll}`);
      assert.equal(got.voters, voters(want[poll]));
    }
    const csv = await node.get(`/api/sessions/${CODE}/results.csv`, { Authorization: `Bearer ${node.key}` });
    assert.equal(csv.status, 200);
    docs.push(csv.body);
  }
  assert.equal(docs[0], docs[1], 'results.csv is the same from A and B');
});

test('export --redis (json, csv) and report --redis agree with the acknowledged votes', { skip: skipWithoutRedis }, async () => {
  const doc = await exportJson(cl.redis.url, CODE);
  const s = doc.sessions.find((x) => x.code === CODE);
  assert.ok(s, 'the session is in the export');
  for (const poll of ['q1', 'q2']) assert.deepEqual(s.polls.find((x) => x.id === poll).counts, want[poll], `export json ${poll}`);
  assert.equal(s.participants, 24);

  const csv = await runCli(['export', '--redis', cl.redis.url, '--format', 'csv', CODE]);
  assert.equal(csv.code, 0, csv.stderr);
  const rows = parseCsv(csv.stdout.replace(/^\ufeff/, ''));
  const head = rows[0];
  const q1 = rows.find((r) => r[head.indexOf('poll_id')] === 'q1');
  assert.ok(q1, 'q1 in the CSV');
  assert.equal(Number(q1[head.indexOf('yes')]), want.q1.yes);
  assert.equal(Number(q1[head.indexOf('no')]), want.q1.no);

  const rep = await runCli(['report', '--redis', cl.redis.url, '--format', 'json']);
  assert.equal(rep.code, 0, rep.stderr);
  const report = JSON.parse(rep.stdout);
  assert.equal(report.format, 'handsup-report');
  const rq1 = report.polls.find((x) => x.id === 'q1');
  assert.equal(rq1.runs[0].voters, voters(want.q1), 'report --redis: voters of q1');
  assert.deepEqual(Object.values(rq1.runs[0].counts).sort(), [want.q1.yes, want.q1.no].sort());
});

test('export --redis --data FILE --format sqlite: an archive the SQLite tools read to the same results', { skip: skipWithoutRedis }, async () => {
  assert.ok(await haveSqlite3(), 'the sqlite3 shell checks the archive');
  const file = path.join(dir, 'event.db');
  await archive(cl.redis.url, file);
  assert.deepEqual(await sql(file, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
  const fromFile = await runCli(['export', '--data', file, '--format', 'json', CODE]);
  assert.equal(fromFile.code, 0, fromFile.stderr);
  const s = JSON.parse(fromFile.stdout).sessions.find((x) => x.code === CODE);
  for (const poll of ['q1', 'q2']) assert.deepEqual(s.polls.find((x) => x.id === poll).counts, want[poll], `archive ${poll}`);
  assert.equal(s.participants, 24);
  // The same document as from Redis, but for when it was generated.
  const live = (await exportJson(cl.redis.url, CODE)).sessions.find((x) => x.code === CODE);
  assert.deepEqual(s.polls.map((p) => [p.id, p.counts, p.voters, p.status]), live.polls.map((p) => [p.id, p.counts, p.voters, p.status]));
  // A report from the archive equals the report from Redis.
  const r1 = JSON.parse((await runCli(['report', '--data', file, '--format', 'json'])).stdout);
  const r2 = JSON.parse((await runCli(['report', '--redis', cl.redis.url, '--format', 'json'])).stdout);
  assert.deepEqual(r1.polls.map((p) => p.runs.map((x) => x.counts)), r2.polls.map((p) => p.runs.map((x) => x.counts)));
  // A second archive into the same file never doubles the votes.
  const again = await runCli(['export', '--redis', cl.redis.url, '--data', file, '--format', 'sqlite'], { timeoutMs: 30000 });
  const rows = await sql(file, "SELECT COUNT(*) AS n FROM votes");
  assert.equal(rows[0].n, voters(want.q1) + voters(want.q2), `votes in the archive after a second export (status ${again.code}: ${again.stderr.trim()})`);
});
