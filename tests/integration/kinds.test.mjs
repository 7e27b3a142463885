// kinds.test.mjs -- every message and error of DESIGN.md section 7 over a
// real WebSocket: choice (one pick and several), scale, text answers with
// their limits and withdrawal, moderation, audience questions and upvotes.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { acked, goto, K, KINDS_CODE, KINDS_DECK, refused, reply } from './kinds-lib.mjs';
import { CODE, command, joinAttendee, joinPresenter, sleep, startServer, tempDir } from './lib.mjs';

let server;
let p;
let blocklist;

before(async () => {
  // A facilitator's own word on top of the built-in list.
  blocklist = path.join(tempDir(), 'blocklist.txt');
  writeFileSync(blocklist, '# local words\nnincompoop\ngo away\n');
  server = await startServer({ decks: [KINDS_DECK, path.join(path.dirname(KINDS_DECK), 'basic.md')],
    args: ['--blocklist', blocklist] });
  ({ c: p } = await joinPresenter(server, KINDS_CODE));
});

after(async () => {
  await server?.stop();
});

async function attendee(label) {
  return (await joinAttendee(server, KINDS_CODE, { label })).c;
}

test('the deck and the state carry each kind and its parameters', async () => {
  const { welcome } = await joinPresenter(server, KINDS_CODE, server.key, { label: 'p2' });
  const polls = welcome.deck.slides.map((s) => s.poll).filter(Boolean);
  assert.equal(welcome.deck.qa, 'on');
  assert.equal(welcome.session.qa, 'on');
  const [single, multi, scale, words, wall] = polls;
  assert.deepEqual(single.options.map((o) => [o.id, o.label]),
    [['evidence', 'Evidence'], ['clarity', 'Clarity'], ['consistency', 'Consistency']]);
  assert.equal(single.kind, 'choice');
  assert.equal(single.multiple, 1);
  assert.equal(multi.multiple, 2);
  assert.equal(multi.options[0].id, 'peer-review');
  assert.deepEqual([scale.kind, scale.min, scale.max, scale.labels], ['scale', 1, 5, ['Not at all', 'Completely']]);
  assert.deepEqual(scale.options.map((o) => o.id), ['1', '2', '3', '4', '5']);
  assert.deepEqual([words.kind, words.maxLength, words.answers, words.show, words.moderate], ['text', 20, 2, 'cloud', false]);
  assert.deepEqual([wall.show, wall.moderate, wall.maxLength, wall.answers], ['wall', true, 140, 1]);
  assert.equal(welcome.deck.slides[K.qa].kind, 'qa');
  const a = await attendee('params');
  await goto(p, K.scale);
  const st = await a.next('state', (s) => s.poll?.id === 'scale');
  assert.deepEqual([st.poll.min, st.poll.max, st.poll.labels], [1, 5, ['Not at all', 'Completely']]);
  assert.equal(st.myVote, null);
  a.close();
});

test('single choice: choice, or choices with one pick; unknown options refused', async () => {
  await goto(p, K.single);
  const a = await attendee('single');
  const ack = await acked(a, { type: 'vote', poll: 'single', choice: 'clarity' });
  assert.deepEqual([ack.poll, ack.choice], ['single', 'clarity']);
  assert.equal((await a.next('state', (s) => s.myVote === 'clarity')).myVote, 'clarity');
  await refused(a, { type: 'vote', poll: 'single', choice: 'Clarity' }, 'bad_message');
  await refused(a, { type: 'vote', poll: 'single', value: 2 }, 'bad_message');
  await refused(a, { type: 'vote', poll: 'single', choices: ['evidence', 'clarity'] }, 'bad_message');
  await refused(a, { type: 'vote', poll: 'single', choice: 'evidence', value: 1 }, 'bad_message');
  await refused(a, { type: 'vote', poll: 'single', choices: 'evidence' }, 'bad_message');
  await acked(a, { type: 'vote', poll: 'single', choices: ['evidence'] });
  const t = await p.next('tally', (x) => x.poll === 'single' && x.counts.evidence === 1);
  assert.deepEqual(t.counts, { evidence: 1, clarity: 0, consistency: 0 });
  assert.equal(t.voters, 1);
  a.close();
});

test('multiple choice: up to N distinct picks, replaced as a whole, [] withdraws', async () => {
  await goto(p, K.multi);
  const a = await attendee('multi');
  const b = await attendee('multi-b');
  const ack = await acked(a, { type: 'vote', poll: 'multi', choices: ['supervision', 'peer-review'] });
  // Picks come back in the options' order.
  assert.deepEqual(ack.choices, ['peer-review', 'supervision']);
  assert.deepEqual((await a.next('state', (s) => Array.isArray(s.myVote))).myVote, ['peer-review', 'supervision']);
  // A string id comes back as it went, with the picks.
  b.send({ type: 'vote', poll: 'multi', choices: ['supervision'], id: 'b-\u00e9-"1"' });
  const sid = await b.next('ack', (m) => m.id === 'b-\u00e9-"1"');
  assert.deepEqual(sid.choices, ['supervision']);
  for (const bad of [['peer-review', 'case-studies', 'supervision'], ['supervision', 'supervision'], ['nope'], [7]]) {
    const e = await refused(a, { type: 'vote', poll: 'multi', choices: bad }, 'bad_message');
    assert.ok(e.message.length > 0);
  }
  let t = await p.next('tally', (x) => x.poll === 'multi' && x.voters === 2);
  assert.deepEqual(t.counts, { 'peer-review': 1, 'case-studies': 0, supervision: 2, 'reading-groups': 0 });
  // A change replaces every pick; a plain "choice" is one pick.
  await acked(a, { type: 'vote', poll: 'multi', choices: ['case-studies', 'reading-groups'] });
  await acked(b, { type: 'vote', poll: 'multi', choice: 'reading-groups' });
  t = await p.next('tally', (x) => x.poll === 'multi' && x.counts['reading-groups'] === 2);
  assert.deepEqual(t.counts, { 'peer-review': 0, 'case-studies': 1, supervision: 0, 'reading-groups': 2 });
  // [] withdraws the vote.
  const w = await acked(a, { type: 'vote', poll: 'multi', choices: [] });
  assert.equal(w.choices, null);
  assert.equal((await a.next('state', (s) => s.myVote === null)).myVote, null);
  t = await p.next('tally', (x) => x.poll === 'multi' && x.voters === 1);
  assert.deepEqual(t.counts, { 'peer-review': 0, 'case-studies': 0, supervision: 0, 'reading-groups': 1 });
  a.close();
  b.close();
});

test('scale: an integer in the range; the tally has its histogram, mean and median', async () => {
  await goto(p, K.scale);
  await command(p, { type: 'open' }, (s) => s.poll?.status === 'open');
  const people = await Promise.all([0, 1, 2, 3, 4].map((i) => attendee(`scale${i}`)));
  for (const [i, v] of [1, 2, 4, 5, 5].entries()) {
    const ack = await acked(people[i], { type: 'vote', poll: 'scale', value: v });
    assert.equal(ack.value, v);
  }
  assert.equal((await people[2].next('state', (s) => s.myVote === 4)).myVote, 4);
  for (const bad of [0, 6, -1, 4.5, '4', 1e300]) await refused(people[0], { type: 'vote', poll: 'scale', value: bad }, 'bad_message');
  // The option id works too, for a client that only knows "choice".
  await acked(people[0], { type: 'vote', poll: 'scale', choice: '1' });
  const t = await p.next('tally', (x) => x.poll === 'scale' && x.voters === 5);
  assert.deepEqual(t.counts, { 1: 1, 2: 1, 3: 0, 4: 1, 5: 2 });
  assert.equal(t.mean, 3.4);
  assert.equal(t.median, 4);
  // The same results reach phones once the poll is closed.
  await command(p, { type: 'close' }, (s) => s.poll?.status === 'closed');
  const st = await people[1].next('state', (s) => s.poll?.status === 'closed');
  assert.deepEqual([st.poll.results.mean, st.poll.results.median, st.poll.results.voters], [3.4, 4, 5]);
  await refused(people[1], { type: 'vote', poll: 'scale', value: 3 }, 'poll_closed');
  people.forEach((c) => c.close());
});

test('text: answers are cleaned, grouped by case and spacing, limited and withdrawn', async () => {
  await goto(p, K.words);
  const a = await attendee('words-a');
  const b = await attendee('words-b');
  const first = await acked(a, { type: 'answer', poll: 'words', text: '  Trust\u202e  ' });
  assert.deepEqual([first.poll, first.status], ['words', 'shown']);
  assert.match(first.answer, /^[1-9][0-9]*$/);
  await acked(b, { type: 'answer', poll: 'words', text: 'TRUST' });
  // Twenty characters is the limit whatever their bytes; one more is too long.
  await acked(b, { type: 'answer', poll: 'words', text: '\u{1F44D}'.repeat(20) });
  await refused(a, { type: 'answer', poll: 'words', text: 'x'.repeat(21) }, 'too_long');
  await refused(a, { type: 'answer', poll: 'words', text: '\u200b \u202e ' }, 'bad_message');
  await refused(a, { type: 'answer', poll: 'words', text: '' }, 'bad_message');
  // b has used both answers.
  await refused(b, { type: 'answer', poll: 'words', text: 'more' }, 'limit_reached');
  let t = await p.next('tally', (x) => x.poll === 'words' && x.answers === 3);
  assert.deepEqual(t.entries, [{ text: 'Trust', count: 2 }, { text: '\u{1F44D}'.repeat(20), count: 1 }]);
  assert.equal(t.voters, 2);
  const st = await a.next('state', (s) => s.myAnswers?.length === 1);
  assert.deepEqual(st.myAnswers, [{ id: first.answer, text: 'Trust', status: 'shown' }]);
  // Withdrawing one's own answer frees a place; another's is not one's own.
  await refused(b, { type: 'withdraw', poll: 'words', answer: first.answer }, 'bad_message');
  await refused(a, { type: 'withdraw', poll: 'words', answer: '99999' }, 'bad_message');
  const w = await acked(a, { type: 'withdraw', poll: 'words', answer: first.answer });
  assert.deepEqual([w.answer, w.status], [first.answer, 'withdrawn']);
  assert.deepEqual((await a.next('state', (s) => s.myAnswers?.length === 0)).myAnswers, []);
  t = await p.next('tally', (x) => x.poll === 'words' && x.answers === 2);
  // Equal counts keep the order in which they reached the count (model/rank.h).
  assert.deepEqual(t.entries.map((e) => [e.text, e.count]), [['\u{1F44D}'.repeat(20), 1], ['Trust', 1]]);
  const list = await p.next('answers', (m) => m.poll === 'words' && m.total === 2, 3000);
  assert.ok(list.items.every((i) => i.status === 'shown' && typeof i.at === 'number'));
  // Answers go to text polls only, and only while open.
  await refused(a, { type: 'answer', poll: 'single', text: 'hi' }, 'bad_message');
  await refused(a, { type: 'answer', poll: 'nope', text: 'hi' }, 'unknown_poll');
  await command(p, { type: 'close' }, (s) => s.poll?.status === 'closed');
  await refused(a, { type: 'answer', poll: 'words', text: 'late' }, 'poll_closed');
  const mine = (await b.next('state', (s) => s.poll?.status === 'closed')).myAnswers;
  await refused(b, { type: 'withdraw', poll: 'words', answer: mine[0].id }, 'poll_closed');
  a.close();
  b.close();
});

test('moderation: a moderated poll holds answers until the presenter approves them', async () => {
  await goto(p, K.wall);
  const a = await attendee('wall');
  const ack = await acked(a, { type: 'answer', poll: 'wall', text: 'We need a shared vocabulary' });
  assert.equal(ack.status, 'pending');
  let t = await p.next('tally', (x) => x.poll === 'wall' && x.pending === 1);
  assert.deepEqual([t.answers, t.entries], [0, []]);
  const list = await p.next('answers', (m) => m.poll === 'wall' && m.items.length === 1, 3000);
  assert.equal(list.items[0].status, 'pending');
  // Only the presenter moderates.
  await refused(a, { type: 'moderate', poll: 'wall', answer: ack.answer, action: 'approve' }, 'forbidden');
  await refused(p, { type: 'moderate', poll: 'wall', answer: '4242', action: 'approve' }, 'bad_message');
  await refused(p, { type: 'moderate', poll: 'wall', answer: ack.answer, action: 'delete' }, 'bad_message');
  const m = await acked(p, { type: 'moderate', poll: 'wall', answer: ack.answer, action: 'approve' });
  assert.equal(m.answer, ack.answer);
  t = await p.next('tally', (x) => x.poll === 'wall' && x.answers === 1);
  assert.deepEqual(t.entries, [{ text: 'We need a shared vocabulary', count: 1 }]);
  assert.equal((await a.next('state', (s) => s.myAnswers?.[0]?.status === 'shown')).myAnswers[0].status, 'shown');
  await acked(p, { type: 'moderate', poll: 'wall', answer: ack.answer, action: 'hide' });
  await p.next('tally', (x) => x.poll === 'wall' && x.answers === 0 && x.pending === 0);
  assert.equal((await a.next('state', (s) => s.myAnswers?.[0]?.status === 'hidden')).myAnswers[0].status, 'hidden');
  a.close();
});

test('the blocklist holds answers and questions back, built in and from --blocklist', async () => {
  await goto(p, K.wall);
  await command(p, { type: 'reset' }, (s) => s.poll?.id === 'wall');
  await goto(p, K.words);
  await command(p, { type: 'open' }, (s) => s.poll?.status === 'open');
  const a = await attendee('rude-a');
  const b = await attendee('rude-b');
  assert.equal((await acked(a, { type: 'answer', poll: 'words', text: 'You NINCOMPOOP!' })).status, 'pending');
  assert.equal((await acked(b, { type: 'answer', poll: 'words', text: 'fucking useless' })).status, 'pending');
  assert.equal((await acked(a, { type: 'answer', poll: 'words', text: 'please go  away' })).status, 'pending');
  assert.equal((await acked(b, { type: 'answer', poll: 'words', text: 'Scunthorpe' })).status, 'shown');
  assert.equal((await acked(a, { type: 'ask', text: 'Why is the speaker such a nincompoop?' })).status, 'pending');
  a.close();
  b.close();
});

test('questions: ask, upvote once, lists with mine and upvoted, presenter actions', async () => {
  const a = await attendee('qa-a');
  const b = await attendee('qa-b');
  const q = await acked(a, { type: 'ask', text: 'How do we evaluate <b>impact</b>?' });
  assert.equal(q.status, 'open');
  await refused(a, { type: 'ask', text: 'x'.repeat(281) }, 'too_long');
  await refused(a, { type: 'ask', text: '   ' }, 'bad_message');
  const up = await acked(b, { type: 'upvote', question: q.question, on: true });
  assert.deepEqual([up.question, up.on], [q.question, true]);
  await acked(b, { type: 'upvote', question: q.question }); // again: no second vote
  await refused(b, { type: 'upvote', question: '777' }, 'bad_message');
  await refused(b, { type: 'upvote', question: q.question, on: 'yes' }, 'bad_message');
  let lb = await b.next('questions', (m) => m.items.some((i) => i.id === q.question && i.votes === 1), 3000);
  const seen = lb.items.find((i) => i.id === q.question);
  assert.deepEqual([seen.text, seen.mine, seen.upvoted, seen.status], ['How do we evaluate <b>impact</b>?', false, true, 'open']);
  const la = await a.next('questions', (m) => m.items.some((i) => i.id === q.question && i.votes === 1), 3000);
  assert.deepEqual([la.items.find((i) => i.id === q.question).mine, la.items.find((i) => i.id === q.question).upvoted], [true, false]);
  // Taking the upvote back.
  await acked(b, { type: 'upvote', question: q.question, on: false });
  lb = await b.next('questions', (m) => m.items.some((i) => i.id === q.question && i.votes === 0), 3000);
  // The presenter sees every question, pending ones too, and acts on them.
  const all = await p.next('questions', (m) => m.items.some((i) => i.status === 'pending'), 3000);
  assert.ok(all.total >= 2);
  await refused(a, { type: 'question', question: q.question, action: 'pin' }, 'forbidden');
  for (const action of ['pin', 'answered', 'unpin', 'approve']) await acked(p, { type: 'question', question: q.question, action });
  await acked(p, { type: 'question', question: q.question, action: 'hide' });
  await refused(b, { type: 'upvote', question: q.question }, 'bad_message');
  // Hidden from the room, still listed for its author with its status.
  lb = await b.next('questions', (m) => !m.items.some((i) => i.id === q.question), 3000);
  const mine = await a.next('questions', (m) => m.items.some((i) => i.id === q.question && i.status === 'hidden'), 3000);
  assert.equal(mine.items.find((i) => i.id === q.question).mine, true);
  await refused(p, { type: 'question', question: '4242', action: 'pin' }, 'bad_message');
  await refused(p, { type: 'question', question: q.question, action: 'delete' }, 'bad_message');
  a.close();
  b.close();
});

test('a phone gets at most one question list a second while upvotes pour in', async () => {
  const watcher = await attendee('watcher');
  const asker = await attendee('asker');
  const q = await acked(asker, { type: 'ask', text: 'Is anyone counting?' });
  const voters = await Promise.all([...Array(24).keys()].map((i) => attendee(`up${i}`)));
  await sleep(1200);
  const mark = watcher.seen.length;
  const start = Date.now();
  // 24 upvotes spread over about 2.4 s.
  for (const v of voters) {
    await acked(v, { type: 'upvote', question: q.question });
    await sleep(100);
  }
  await watcher.next('questions', (m) => m.items.some((i) => i.id === q.question && i.votes === 24), 3000);
  const seconds = (Date.now() - start) / 1000;
  const lists = watcher.seen.slice(mark).filter((m) => m.type === 'questions').length;
  // One list per second at most: a window of S seconds holds S + 1 of them.
  assert.ok(lists >= 2, `${lists} lists`);
  assert.ok(lists <= Math.ceil(seconds) + 1, `${lists} lists in ${seconds.toFixed(1)} s`);
  [watcher, asker, ...voters].forEach((c) => c.close());
});

test('a session without questions refuses ask and upvote with qa_closed', async () => {
  const { c } = await joinAttendee(server, CODE, { label: 'noqa' });
  await refused(c, { type: 'ask', text: 'Anyone?' }, 'qa_closed');
  await refused(c, { type: 'upvote', question: '1' }, 'qa_closed');
  const { c: pb } = await joinPresenter(server, CODE);
  await refused(pb, { type: 'question', question: '1', action: 'pin' }, 'qa_closed');
  c.close();
  pb.close();
});

test('qa: moderated holds every question until approved', async () => {
  const dir = tempDir();
  const deck = path.join(dir, 'moderated.md');
  writeFileSync(deck, '---\ntitle: Moderated\ncode: 13572468\nqa: moderated\n---\n\n# Hello\n\n---\n\n<!-- qa -->\n# Questions\n');
  const s2 = await startServer({ decks: [deck] });
  try {
    const { c: pm } = await joinPresenter(s2, '13572468');
    const { c: a } = await joinAttendee(s2, '13572468');
    const q = await acked(a, { type: 'ask', text: 'May I?' });
    assert.equal(q.status, 'pending');
    const { c: b } = await joinAttendee(s2, '13572468', { label: 'b' });
    const before = await b.next('questions', () => true, 3000);
    assert.equal(before.items.length, 0);
    await acked(pm, { type: 'question', question: q.question, action: 'approve' });
    const after = await b.next('questions', (m) => m.items.length === 1, 3000);
    assert.equal(after.items[0].status, 'open');
  } finally {
    await s2.stop();
  }
});

test('missing or mistyped fields of new messages are refused with bad_message and the id echoed', async () => {
  const a = await attendee('schema');
  for (const bad of [{ type: 'answer', poll: 'words' }, { type: 'answer', text: 'x' }, { type: 'withdraw', poll: 'words' },
    { type: 'upvote' }, { type: 'ask' }, { type: 'ask', text: 5 }, { type: 'vote', poll: 'multi' },
    { type: 'vote', poll: 'multi', choices: Array(17).fill('a') }]) {
    const m = await reply(a, bad);
    assert.deepEqual([m.type, m.code], ['error', 'bad_message'], JSON.stringify(bad));
  }
  a.close();
});
