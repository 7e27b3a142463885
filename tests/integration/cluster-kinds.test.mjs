// cluster-kinds.test.mjs -- every question kind and runs in cluster mode
// (DESIGN.md sections 7, 10 and 12): the presenter on node A, phones on node B
// (and A): single and multiple choice, a scale, text answers with a limit,
// withdrawal and moderation, audience questions asked on one node and upvoted
// on the other; the tallies on A count votes cast on B exactly, and a phone
// moving between nodes keeps its picks, answers and upvotes. Then both nodes
// stop and start a new run: nothing of run 1 merges into run 2, run 1's
// results stay readable, and run 1's tokens are not run 2's participants.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { acked, goto, K, KINDS_CODE, KINDS_DECK, refused } from './kinds-lib.mjs';
import { DECKS, command, joinAttendee, joinPresenter } from './lib.mjs';
import { Node, exportJson, skipWithoutRedis, startRedis } from './cluster-lib.mjs';

const skip = skipWithoutRedis;
const decks = [KINDS_DECK, path.join(DECKS, 'basic.md')];
let redis;
let A;
let B;
let p;
let pb;

before(async () => {
  if (skip) return;
  redis = await startRedis();
  A = await new Node({ redis, decks, label: 'nodeA' }).start();
  B = await new Node({ redis, decks, label: 'nodeB' }).start();
  ({ c: p } = await joinPresenter(A, KINDS_CODE));
  ({ c: pb } = await joinPresenter(B, KINDS_CODE, B.key, { label: 'presenterB' }));
});

after(async () => {
  await A?.stop();
  await B?.stop();
  await redis?.stop();
});

const on = async (node, label) => (await joinAttendee(node, KINDS_CODE, { label }));

// A phone acts on what its own node has shown it, as the page does: waits
// until its latest state shows poll open (a node learns of a move made on
// another one a few milliseconds later).
async function sees(c, poll) {
  const ok = (s) => s?.poll?.id === poll && s.poll.status === 'open';
  if (!ok(c.latest.state)) await c.next('state', ok, 5000);
}

test('choice, multiple choice and scale: votes on B, exact tallies on A and B', { skip }, async () => {
  await goto(p, K.single);
  const b1 = await on(B, 'b1');
  const a1 = await on(A, 'a1');
  await sees(b1.c, 'single');
  await sees(a1.c, 'single');
  await acked(b1.c, { type: 'vote', poll: 'single', choice: 'clarity' });
  await acked(a1.c, { type: 'vote', poll: 'single', choice: 'evidence' });
  await acked(b1.c, { type: 'vote', poll: 'single', choices: ['evidence'] });  // changed
  for (const pc of [p, pb]) {
    const t = await pc.next('tally', (x) => x.poll === 'single' && x.counts.evidence === 2);
    assert.deepEqual(t.counts, { evidence: 2, clarity: 0, consistency: 0 });
    assert.equal(t.voters, 2);
  }
  await refused(b1.c, { type: 'vote', poll: 'single', choice: 'Clarity' }, 'bad_message');

  await goto(p, K.multi);
  await sees(b1.c, 'multi');
  await sees(a1.c, 'multi');
  const ack = await acked(b1.c, { type: 'vote', poll: 'multi', choices: ['supervision', 'peer-review'] });
  assert.deepEqual(ack.choices, ['peer-review', 'supervision']);
  await acked(a1.c, { type: 'vote', poll: 'multi', choices: ['supervision'] });
  let t = await p.next('tally', (x) => x.poll === 'multi' && x.voters === 2);
  assert.deepEqual(t.counts, { 'peer-review': 1, 'case-studies': 0, supervision: 2, 'reading-groups': 0 });
  // B's presenter has the same; its earlier tallies (one voter) are used up.
  t = await pb.next('tally', (x) => x.poll === 'multi' && x.voters === 2);
  assert.deepEqual(t.counts, { 'peer-review': 1, 'case-studies': 0, supervision: 2, 'reading-groups': 0 });
  // b1 moves to node A: its picks come with it, and a change replaces them.
  const token = b1.welcome.participant;
  await b1.c.terminate();
  const moved = await joinAttendee(A, KINDS_CODE, { participant: token, label: 'b1@A' });
  assert.equal(moved.welcome.participant, token);
  assert.deepEqual(moved.state.myVote, ['peer-review', 'supervision']);
  await acked(moved.c, { type: 'vote', poll: 'multi', choices: [] });
  t = await pb.next('tally', (x) => x.poll === 'multi' && x.voters === 1);
  assert.deepEqual(t.counts, { 'peer-review': 0, 'case-studies': 0, supervision: 1, 'reading-groups': 0 });

  await goto(p, K.scale);
  await command(p, { type: 'open' }, (s) => s.poll?.status === 'open');
  const people = [moved, a1, await on(B, 's3'), await on(B, 's4'), await on(A, 's5')];
  for (const [i, v] of [1, 2, 4, 5, 5].entries()) {
    await sees(people[i].c, 'scale');
    assert.equal((await acked(people[i].c, { type: 'vote', poll: 'scale', value: v })).value, v);
  }
  t = await pb.next('tally', (x) => x.poll === 'scale' && x.voters === 5);
  assert.deepEqual(t.counts, { 1: 1, 2: 1, 3: 0, 4: 1, 5: 2 });
  assert.equal(t.mean, 3.4);
  assert.equal(t.median, 4);
  await command(p, { type: 'close' }, (s) => s.poll?.status === 'closed');
  const st = await people[3].c.next('state', (s) => s.poll?.status === 'closed');
  assert.deepEqual([st.poll.results.mean, st.poll.results.voters], [3.4, 5], 'phones on B get the results the close on A made');
  await refused(people[3].c, { type: 'vote', poll: 'scale', value: 3 }, 'poll_closed');
  people.forEach((x) => x.c.close());
});

test('text answers: limits, withdrawal and moderation across nodes', { skip }, async () => {
  await goto(p, K.words);
  const a = await on(B, 'words-a');
  const b = await on(A, 'words-b');
  await sees(a.c, 'words');
  await sees(b.c, 'words');
  const first = await acked(a.c, { type: 'answer', poll: 'words', text: '  Trust  ' });
  await acked(b.c, { type: 'answer', poll: 'words', text: 'TRUST' });
  await acked(a.c, { type: 'answer', poll: 'words', text: 'Care' });
  // a has used both answers, counted in Redis whichever node it asks.
  await refused(a.c, { type: 'answer', poll: 'words', text: 'more' }, 'limit_reached');
  await a.c.terminate();
  const a2 = await joinAttendee(A, KINDS_CODE, { participant: a.welcome.participant, label: 'words-a@A' });
  // A learns of an answer acked on B from B's notice, milliseconds later: a
  // phone that moves within those milliseconds gets a state with both as
  // soon as A has it (docs/protocol.md "Cluster mode").
  const both = a2.state.myAnswers?.length === 2 ? a2.state
    : await a2.c.next('state', (x) => x.myAnswers?.length === 2, 2000);
  assert.equal(both.myAnswers.length, 2, 'answers follow the phone to node A');
  await refused(a2.c, { type: 'answer', poll: 'words', text: 'more' }, 'limit_reached');
  let t = await pb.next('tally', (x) => x.poll === 'words' && x.answers === 3);
  assert.deepEqual(t.entries, [{ text: 'Trust', count: 2 }, { text: 'Care', count: 1 }]);
  await p.next('tally', (x) => x.poll === 'words' && x.answers === 3);
  const w = await acked(a2.c, { type: 'withdraw', poll: 'words', answer: first.answer });
  assert.equal(w.status, 'withdrawn');
  t = await p.next('tally', (x) => x.poll === 'words' && x.answers === 2);
  assert.deepEqual(t.entries.map((e) => [e.text, e.count]).sort(), [['Care', 1], ['Trust', 1]]);

  await goto(p, K.wall);
  const c = await on(B, 'wall');
  await sees(c.c, 'wall');
  const ans = await acked(c.c, { type: 'answer', poll: 'wall', text: 'We need a shared vocabulary' });
  assert.equal(ans.status, 'pending');
  await p.next('tally', (x) => x.poll === 'wall' && x.pending === 1);
  // The presenter on node B moderates an answer given on node B; node A's presenter sees it.
  await acked(pb, { type: 'moderate', poll: 'wall', answer: ans.answer, action: 'approve' });
  t = await p.next('tally', (x) => x.poll === 'wall' && x.answers === 1);
  assert.deepEqual(t.entries, [{ text: 'We need a shared vocabulary', count: 1 }]);
  await c.c.next('state', (s) => s.myAnswers?.[0]?.status === 'shown');
  [a2, b, c].forEach((x) => x.c.close());
});

test('audience questions: asked on A, upvoted on B, once per participant', { skip }, async () => {
  const a = await on(A, 'qa-a');
  const b = await on(B, 'qa-b');
  const q = await acked(a.c, { type: 'ask', text: 'How do we evaluate impact?' });
  assert.equal(q.status, 'open');
  // b upvotes once node B has listed the question to it.
  await b.c.next('questions', (m) => m.items.some((i) => i.id === q.question), 5000);
  await acked(b.c, { type: 'upvote', question: q.question, on: true });
  await acked(b.c, { type: 'upvote', question: q.question });  // again: no second vote
  const lb = await b.c.next('questions', (m) => m.items.some((i) => i.id === q.question && i.votes === 1), 5000);
  assert.deepEqual([lb.items.find((i) => i.id === q.question).upvoted, lb.items.find((i) => i.id === q.question).mine], [true, false]);
  const la = await a.c.next('questions', (m) => m.items.some((i) => i.id === q.question && i.votes === 1), 5000);
  assert.equal(la.items.find((i) => i.id === q.question).mine, true, 'node A knows it is a\'s question');
  // b moves to A and upvotes again: still one vote.
  await b.c.terminate();
  const b2 = await joinAttendee(A, KINDS_CODE, { participant: b.welcome.participant, label: 'qa-b@A' });
  await acked(b2.c, { type: 'upvote', question: q.question, on: true });
  const l2 = await b2.c.next('questions', (m) => m.items.some((i) => i.id === q.question), 5000);
  const item = l2.items.find((i) => i.id === q.question);
  assert.deepEqual([item.votes, item.upvoted], [1, true]);
  await acked(pb, { type: 'question', question: q.question, action: 'pin' });
  await a.c.next('questions', (m) => m.items.some((i) => i.id === q.question && i.status === 'pinned'), 5000);
  const doc = await exportJson(redis.url, KINDS_CODE);
  const qs = doc.sessions.find((s) => s.code === KINDS_CODE).questions;
  assert.deepEqual(qs.map((x) => [x.text, x.votes]), [['How do we evaluate impact?', 1]]);
  [a, b2].forEach((x) => x.c.close());
});

test('a new run in cluster mode never merges with the previous one', { skip }, async () => {
  const before = (await exportJson(redis.url, KINDS_CODE)).sessions.find((s) => s.code === KINDS_CODE);
  const old = await on(A, 'run1-phone');
  p.close();
  pb.close();
  old.c.close();
  await A.stop();
  await B.stop();
  A = await new Node({ redis, decks, label: 'nodeA', args: ['--new-run', '--run-label', 'Second'] }).start();
  B = await new Node({ redis, decks, label: 'nodeB', args: ['--resume'] }).start();
  const pa = await joinPresenter(A, KINDS_CODE);
  const pB = await joinPresenter(B, KINDS_CODE, B.key, { label: 'presenterB' });
  assert.equal(pa.welcome.session.run.number, before.run.number + 1, 'A started run 2');
  assert.equal(pa.welcome.session.run.label, 'Second');
  assert.equal(pB.welcome.session.run.number, pa.welcome.session.run.number, 'B, resuming, serves the same run as A');
  // Run 1's phone is a stranger in run 2, on either node.
  for (const node of [A, B]) {
    const back = await joinAttendee(node, KINDS_CODE, { participant: old.welcome.participant, label: 'old' });
    assert.notEqual(back.welcome.participant, old.welcome.participant);
    back.c.close();
  }
  await goto(pa.c, K.single);
  const x = await on(B, 'run2');
  await sees(x.c, 'single');
  await acked(x.c, { type: 'vote', poll: 'single', choice: 'consistency' });
  const t = await pa.c.next('tally', (m) => m.poll === 'single' && m.voters === 1);
  assert.deepEqual(t.counts, { evidence: 0, clarity: 0, consistency: 1 }, 'run 2 counts only its own vote');
  const now = (await exportJson(redis.url, KINDS_CODE)).sessions.find((s) => s.code === KINDS_CODE);
  assert.equal(now.run.number, before.run.number + 1);
  assert.deepEqual(now.polls.find((m) => m.id === 'single').counts, { evidence: 0, clarity: 0, consistency: 1 });
  assert.deepEqual(now.questions ?? [], [], 'questions of run 1 stay in run 1');
  const first = (await exportJson(redis.url, KINDS_CODE, '--run', String(before.run.number))).sessions.find((s) => s.code === KINDS_CODE);
  assert.deepEqual(first.polls.find((m) => m.id === 'single').counts, before.polls.find((m) => m.id === 'single').counts, 'run 1 as it was');
  assert.ok(first.run.endedAt, 'run 1 has ended');
  [x.c, pa.c, pB.c].forEach((c) => c.close());
});
