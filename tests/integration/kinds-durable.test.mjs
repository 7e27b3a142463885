// kinds-durable.test.mjs -- every kind survives kill -9 and a restart, and a
// data file written by the first release (schema 1) is upgraded in place
// with its votes intact (tests/fixtures/v1, made by make-v1.mjs).
//
// After kill -9 only what was acknowledged must be there: votes, answers,
// withdrawals, questions and upvotes.  Presenter moderation is saved in the
// background like a slide change, so it is checked after a clean restart.
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { acked, goto, K, KINDS_CODE, KINDS_DECK } from './kinds-lib.mjs';
import { SOURCE_DIR, Server, command, joinAttendee, joinPresenter, runCli, tempDir } from './lib.mjs';
import { csvObjects, haveSqlite3, sql } from './durable-lib.mjs';

async function rejoin(server, token, label) {
  const r = await joinAttendee(server, KINDS_CODE, { participant: token, label });
  assert.equal(r.welcome.participant, token, `${label} keeps its identity`);
  return r;
}

// The presenter's tally on slide, once it satisfies pred.
async function tallyOn(p, slide, pred) {
  await goto(p, slide);
  return p.next('tally', (t) => t.poll && pred(t), 5000);
}

test('votes, answers, questions and upvotes of every kind survive kill -9 and a restart', async () => {
  const data = path.join(tempDir(), 'kinds.db');
  let server = new Server({ decks: [KINDS_DECK], data });
  await server.start();
  let { c: p } = await joinPresenter(server, KINDS_CODE);
  const people = [];
  for (const label of ['a', 'b', 'c']) {
    const { c, welcome } = await joinAttendee(server, KINDS_CODE, { label });
    people.push({ c, token: welcome.participant });
  }
  const [a, b, c] = people.map((x) => x.c);

  await goto(p, K.single);
  await acked(a, { type: 'vote', poll: 'single', choice: 'clarity' });
  await goto(p, K.multi);
  await acked(a, { type: 'vote', poll: 'multi', choices: ['peer-review', 'supervision'] });
  await acked(b, { type: 'vote', poll: 'multi', choices: ['case-studies'] });
  await acked(b, { type: 'vote', poll: 'multi', choices: [] });
  await acked(c, { type: 'vote', poll: 'multi', choices: ['supervision', 'reading-groups'] });
  await goto(p, K.scale);
  await acked(a, { type: 'vote', poll: 'scale', value: 2 });
  await acked(b, { type: 'vote', poll: 'scale', value: 5 });
  await goto(p, K.words);
  await acked(a, { type: 'answer', poll: 'words', text: 'Trust' });
  await acked(b, { type: 'answer', poll: 'words', text: 'trust' });
  const gone = await acked(c, { type: 'answer', poll: 'words', text: 'Patience' });
  await acked(c, { type: 'withdraw', poll: 'words', answer: gone.answer });
  const time = await acked(c, { type: 'answer', poll: 'words', text: 'Time' });
  await goto(p, K.wall);
  const held = await acked(a, { type: 'answer', poll: 'wall', text: 'Shared words' });
  const q1 = await acked(a, { type: 'ask', text: 'What counts as evidence?' });
  const q2 = await acked(b, { type: 'ask', text: 'Who decides?' });
  await acked(b, { type: 'upvote', question: q1.question });
  await acked(c, { type: 'upvote', question: q1.question });
  await acked(c, { type: 'upvote', question: q2.question });
  await acked(c, { type: 'upvote', question: q2.question, on: false });
  await server.kill();

  const check = async (label, questions) => {
    server = new Server({ decks: [KINDS_DECK], data });
    await server.start();
    ({ c: p } = await joinPresenter(server, KINDS_CODE));
    let t = await tallyOn(p, K.single, (x) => x.poll === 'single');
    assert.deepEqual(t.counts, { evidence: 0, clarity: 1, consistency: 0 }, label);
    t = await tallyOn(p, K.multi, (x) => x.poll === 'multi');
    assert.deepEqual([t.counts, t.voters], [{ 'peer-review': 1, 'case-studies': 0, supervision: 2, 'reading-groups': 1 }, 2], label);
    t = await tallyOn(p, K.scale, (x) => x.poll === 'scale');
    assert.deepEqual([t.counts, t.mean, t.median], [{ 1: 0, 2: 1, 3: 0, 4: 0, 5: 1 }, 3.5, 3.5], label);
    t = await tallyOn(p, K.words, (x) => x.poll === 'words');
    assert.deepEqual([t.entries, t.answers, t.voters], [[{ text: 'Trust', count: 2 }, { text: 'Time', count: 1 }], 3, 3], label);
    // Phones find their own vote and answers again with their tokens.
    const { c: cc, state: st } = await rejoin(server, people[2].token, 'c again');
    assert.equal(st.poll?.id, 'words', label);
    assert.deepEqual(st.myAnswers, [{ id: time.answer, text: 'Time', status: 'shown' }], label);
    const qs = await cc.next('questions', () => true, 3000);
    assert.deepEqual(qs.items.map((i) => [i.id, i.votes, i.upvoted, i.mine, i.status]), questions, label);
    // A withdrawn answer's id is never handed out again.
    await command(p, { type: 'open' }, (x) => x.poll?.status === 'open');
    const next = await acked(cc, { type: 'answer', poll: 'words', text: 'Care' });
    assert.ok(Number(next.answer) > Number(time.answer), label);
    await acked(cc, { type: 'withdraw', poll: 'words', answer: next.answer });
    cc.close();
    return t;
  };
  await check('after kill -9', [[q1.question, 2, true, false, 'open'], [q2.question, 0, false, false, 'open']]);

  // The presenter moderates; a clean restart keeps it.
  await goto(p, K.wall);
  let t = await p.next('tally', (x) => x.poll === 'wall' && x.pending === 1);
  await acked(p, { type: 'moderate', poll: 'wall', answer: held.answer, action: 'approve' });
  await acked(p, { type: 'question', question: q1.question, action: 'pin' });
  await acked(p, { type: 'question', question: q2.question, action: 'hide' });
  await server.stop();
  await check('after a restart', [[q1.question, 2, true, false, 'pinned']]);
  await goto(p, K.wall);
  t = await p.next('tally', (x) => x.poll === 'wall');
  assert.deepEqual([t.answers, t.pending, t.entries], [1, 0, [{ text: 'Shared words', count: 1 }]]);
  const all = await p.next('questions', (m) => m.items.length === 2, 3000);
  assert.deepEqual(all.items.map((i) => [i.id, i.status]), [[q1.question, 'pinned'], [q2.question, 'hidden']]);

  // Every export agrees with the live server, and with `handsup export`.
  const auth = { Authorization: `Bearer ${server.key}` };
  const results = JSON.parse((await server.get(`/api/sessions/${KINDS_CODE}/results.json`, auth)).body);
  const polls = Object.fromEntries(results.sessions[0].polls.map((x) => [x.id, x]));
  assert.deepEqual(polls.multi.counts, { 'peer-review': 1, 'case-studies': 0, supervision: 2, 'reading-groups': 1 });
  assert.equal(polls.scale.mean, 3.5);
  assert.deepEqual(polls.words.entries, [{ text: 'Trust', count: 2 }, { text: 'Time', count: 1 }]);
  assert.deepEqual(results.sessions[0].questions.map((q) => [q.text, q.votes, q.status]),
    [['What counts as evidence?', 2, 'pinned'], ['Who decides?', 0, 'hidden']]);
  const answersCsv = (await server.get(`/api/sessions/${KINDS_CODE}/answers.csv`, auth)).body;
  const questionsCsv = (await server.get(`/api/sessions/${KINDS_CODE}/questions.csv`, auth)).body;
  const rows = csvObjects(answersCsv);
  assert.deepEqual(rows.filter((r) => r.poll_id === 'words').map((r) => [r.text, r.status]),
    [['Trust', 'shown'], ['trust', 'shown'], ['Time', 'shown']]);
  assert.deepEqual(rows.filter((r) => r.poll_id === 'wall').map((r) => [r.text, r.status]), [['Shared words', 'shown']]);
  assert.equal((await server.get(`/api/sessions/${KINDS_CODE}/answers.csv`)).status, 401);
  await server.stop();
  for (const [format, live] of [['answers', answersCsv], ['questions', questionsCsv]]) {
    const out = await runCli(['export', '--data', data, '--format', format, KINDS_CODE]);
    assert.equal(out.code, 0, out.stderr);
    // The route's text was read as a browser reads it, without the byte
    // order mark every CSV starts with (for spreadsheets).
    assert.ok(out.stdout.startsWith('\uFEFF'), `${format}: a byte order mark`);
    assert.equal(out.stdout.slice(1), live, `handsup export --format ${format} equals the route`);
  }
  const json = await runCli(['export', '--data', data, '--format', 'json', KINDS_CODE]);
  const offline = JSON.parse(json.stdout).sessions[0];
  assert.deepEqual(offline.polls.map((x) => [x.id, x.counts, x.voters, x.entries]),
    results.sessions[0].polls.map((x) => [x.id, x.counts, x.voters, x.entries]));
  assert.deepEqual(offline.questions.map((x) => [x.id, x.votes, x.status]), results.sessions[0].questions.map((x) => [x.id, x.votes, x.status]));
});

test('a data file of the first release is upgraded in place, its votes intact', async () => {
  const fixtures = path.join(SOURCE_DIR, 'tests', 'fixtures', 'v1');
  const data = path.join(tempDir(), 'v1.db');
  copyFileSync(path.join(fixtures, 'handsup-v1.db'), data);
  const sqlite = await haveSqlite3();
  if (sqlite) assert.deepEqual(await sql(data, 'PRAGMA user_version'), [{ user_version: 1 }]);
  // An export refuses to touch an old file; serving it once upgrades it.
  const refusedOld = await runCli(['export', '--data', data]);
  assert.equal(refusedOld.code, 1);
  assert.match(refusedOld.stderr, /older handsup \(schema 1, this build knows 3\)/);

  // The first release's session becomes run 1 of its session, last used
  // when the fixture was written (maybe more than 12 hours ago, when serve
  // would ask which run to serve: DESIGN section 10); --resume continues it.
  const server = new Server({ decks: [path.join(fixtures, 'deck.md')], data, args: ['--resume'] });
  await server.start();
  assert.match(server.stdout, /run: +run 1, resumed;/);
  const { c: p, state } = await joinPresenter(server, '24681357');
  // The session resumes where the first release left it: slide 2.
  assert.equal(state.slide.index, 2);
  await goto(p, 1);
  let t = await p.next('tally', (x) => x.poll === 'method');
  assert.deepEqual([t.counts, t.voters, t.status, t.participants], [{ yes: 4, no: 2 }, 6, 'closed', 7]);
  await goto(p, 3);
  t = await p.next('tally', (x) => x.poll === 'evidence');
  assert.deepEqual([t.counts, t.revealed], [{ yes: 1, no: 3 }, true]);
  // The upgraded file takes new votes as any other.
  await goto(p, 4);
  const { c: a } = await joinAttendee(server, '24681357');
  await acked(a, { type: 'vote', poll: 'poll-3', choice: 'yes' });
  await server.stop();
  if (sqlite) {
    assert.deepEqual(await sql(data, 'PRAGMA user_version'), [{ user_version: 3 }]);
    assert.deepEqual(await sql(data, "SELECT poll_id, choice, count(*) AS n FROM votes GROUP BY 1, 2 ORDER BY 1, 2"), [
      { poll_id: 'evidence', choice: 'no', n: 3 }, { poll_id: 'evidence', choice: 'yes', n: 1 },
      { poll_id: 'method', choice: 'no', n: 2 }, { poll_id: 'method', choice: 'yes', n: 4 },
      { poll_id: 'poll-3', choice: 'yes', n: 1 }]);
    assert.deepEqual(await sql(data, "SELECT count(*) AS n FROM sqlite_schema WHERE name IN ('answers', 'questions', 'upvotes')"), [{ n: 3 }]);
    assert.deepEqual(await sql(data, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
    assert.deepEqual(await sql(data, 'SELECT r.number, r.id = s.id AS same FROM runs r JOIN sessions s ON s.id = r.session_id'),
      [{ number: 1, same: 1 }], 'the session became its run 1, with the same key');
    assert.deepEqual(await sql(data, 'PRAGMA foreign_key_check'), []);
  }
  const out = await runCli(['export', '--data', data, '--format', 'json']);
  assert.equal(out.code, 0, out.stderr);
  const polls = JSON.parse(out.stdout).sessions[0].polls;
  assert.deepEqual(polls.map((x) => [x.id, x.counts, x.labels]), [
    ['method', { yes: 4, no: 2 }, { yes: 'Yes', no: 'No' }],
    ['evidence', { yes: 1, no: 3 }, { yes: 'Yes', no: 'No' }],
    ['poll-3', { yes: 1, no: 0 }, { yes: 'Yes', no: 'No' }]]);
});
