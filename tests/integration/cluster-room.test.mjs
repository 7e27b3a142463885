// cluster-room.test.mjs -- two handsup nodes on one Redis (DESIGN.md section
// 12): a presenter on node A and phones on both nodes see the same slides, the
// tally on either node is exact, joined and connected counts add up across
// nodes, /api/ answers the same from both, and a phone of node A that comes
// back on node B with its token keeps its identity and votes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { CODE, Client, SLIDE, command, joinAttendee, joinPresenter, pool } from './lib.mjs';
import { skipWithoutRedis, startCluster, until } from './cluster-lib.mjs';

const PER_NODE = 15;
let cl;
let A;
let B;

before(async () => {
  if (skipWithoutRedis) return;
  cl = await startCluster({ n: 2 });
  [A, B] = cl.nodes;
});

after(async () => {
  await cl?.stop();
});

const auth = () => ({ Authorization: `Bearer ${A.key}` });

test('presenter on A, phones on A and B: same slides, exact tally, counts summed over nodes', { skip: skipWithoutRedis }, async (t) => {
  const { c: p } = await joinPresenter(A);
  const phones = await pool(Array.from({ length: 2 * PER_NODE }, (_, i) => i), 10, async (i) => {
    const node = i % 2 ? B : A;
    const { c, welcome } = await joinAttendee(node, CODE, { label: `phone${i}@${i % 2 ? 'B' : 'A'}` });
    return { c, node, token: welcome.participant, i };
  });
  // A second presenter on B follows the same room.
  const { c: pb } = await joinPresenter(B, CODE, B.key, { label: 'presenterB' });

  // Every phone sees every slide the presenter on A moves to, in order.
  const t0 = Date.now();
  for (const slide of [SLIDE.discuss, SLIDE.q2, SLIDE.q1]) {
    await command(p, { type: 'goto', slide }, (s) => s.slide.index === slide);
    await Promise.all(phones.map(({ c }) => c.next('state', (s) => s.slide.index === slide, 5000)));
    await pb.next('state', (s) => s.slide.index === slide, 5000);
  }
  t.diagnostic(`3 slide changes reached all ${phones.length} phones on both nodes in ${Date.now() - t0} ms`);
  const st = await phones[1].c.next('state', (s) => s.slide.index === SLIDE.q1, 0).catch(() => phones[1].c.latest.state);
  assert.equal(st.poll.id, 'q1');
  assert.equal(st.poll.status, 'open', 'arriving at q1 opened it, on node B too');

  // Votes from both nodes, one change of mind each on B.
  const want = { yes: 0, no: 0 };
  await pool(phones, 10, async (ph) => {
    const first = ph.i % 3 ? 'yes' : 'no';
    await ph.c.vote('q1', first);
    let last = first;
    if (ph.node === B) {
      last = first === 'yes' ? 'no' : 'yes';
      await ph.c.vote('q1', last);
    }
    ph.choice = last;
    want[last]++;
  });
  const n = phones.length;
  for (const [who, pc] of [['A', p], ['B', pb]]) {
    const tl = await pc.next('tally', (x) => x.poll === 'q1' && x.voters === n && x.counts.yes === want.yes, 5000);
    assert.deepEqual(tl.counts, want, `tally on ${who}`);
    assert.equal(tl.participants, n, `participants on ${who} count the phones of both nodes`);
    // Connected phones are summed from the nodes' heartbeats: they may
    // follow a little later, but must get there.
    const t1 = Date.now();
    const c = tl.connected === n ? tl : await pc.next(['tally', 'room'], (x) => x.connected === n, 10000)
      .catch(() => pc.latest.tally);
    assert.equal(c.connected, n, `connected on ${who} counts the phones of both nodes (within 10 s)`);
    t.diagnostic(`connected on ${who} counted both nodes' phones ${Date.now() - t1} ms after the exact tally`);
  }
  // results.json from either node is the same document of counts.
  for (const node of [A, B]) {
    const r = await node.get(`/api/sessions/${CODE}/results.json`, auth());
    assert.equal(r.status, 200, r.body);
    const s = JSON.parse(r.body).sessions.find((x) => x.code === CODE);
    const q1 = s.polls.find((x) => x.id === 'q1');
    assert.deepEqual(q1.counts, want, `results.json on ${node.label}`);
    assert.equal(q1.voters, n);
  }
  assert.equal((await B.get(`/api/sessions/${CODE}/results.json`)).status, 401, 'the key is checked on B too');
  assert.equal((await B.get('/api/sessions/00000000/results.json', auth())).status, 404);

  // Phones leaving node B: connected drops on A's presenter, participants stay.
  const leaving = phones.filter((ph) => ph.node === B).slice(0, 5);
  await Promise.all(leaving.map((ph) => ph.c.close()));
  const t1 = Date.now();
  const tl = await p.next('tally', (x) => x.poll === 'q1' && x.connected === n - 5, 10000);
  t.diagnostic(`connected on A followed 5 phones leaving B in ${Date.now() - t1} ms`);
  assert.equal(tl.participants, n);

  // A closed poll is closed for phones on both nodes.
  await command(p, { type: 'close' }, (s) => s.poll?.status === 'closed');
  const onB = phones.find((ph) => ph.node === B && !leaving.includes(ph));
  const closed = await onB.c.next('state', (s) => s.poll?.status === 'closed');
  assert.deepEqual(closed.poll.results?.counts ?? want, want);
  const id = onB.c.request({ type: 'vote', poll: 'q1', choice: 'yes' });
  assert.equal((await onB.c.nextError(id)).code, 'poll_closed', 'a vote on B after the close on A is refused');
  await command(p, { type: 'open' }, (s) => s.poll?.status === 'open');
  await onB.c.next('state', (s) => s.poll?.status === 'open');

  for (const ph of phones) ph.c.close();
  p.close();
  pb.close();
});

test('a phone of node A comes back on node B with its token: same identity, same votes', { skip: skipWithoutRedis }, async () => {
  const { c: p } = await joinPresenter(A);
  await command(p, { type: 'goto', slide: SLIDE.q2 }, (s) => s.poll?.id === 'q2' && s.poll.status === 'open');
  const first = await joinAttendee(A, CODE, { label: 'wanderer@A' });
  const token = first.welcome.participant;
  await first.c.vote('q2', 'no');
  // q1 was voted on earlier in this file by others; this phone votes there too.
  await command(p, { type: 'goto', slide: SLIDE.q1 }, (s) => s.poll?.id === 'q1');
  if (p.latest.state.poll.status !== 'open') await command(p, { type: 'open' }, (s) => s.poll?.status === 'open');
  await first.c.next('state', (s) => s.poll?.id === 'q1' && s.poll.status === 'open');
  const was = JSON.parse((await A.get(`/api/sessions/${CODE}/results.json`, auth())).body)
    .sessions.find((x) => x.code === CODE).polls.find((x) => x.id === 'q1');
  await first.c.vote('q1', 'yes');
  const before = await p.next('tally', (x) => x.poll === 'q1' && x.voters === was.voters + 1);
  await first.c.terminate();

  const again = await joinAttendee(B, CODE, { participant: token, label: 'wanderer@B' });
  assert.equal(again.welcome.participant, token, 'node B restores the token node A issued');
  assert.equal(again.state.poll.id, 'q1');
  assert.equal(again.state.myVote, 'yes', 'myVote on q1 comes back on B');
  // Voting again on B changes the vote: no second vote, the tally moves by one.
  await again.c.vote('q1', 'no');
  const after = await p.next('tally', (x) => x.poll === 'q1' && x.counts.no === before.counts.no + 1, 5000);
  assert.equal(after.voters, before.voters, 'a change of mind, not a second voter');
  assert.equal(after.counts.yes, before.counts.yes - 1);
  assert.equal(after.participants, before.participants, 'no new participant');
  // Back to q2: the vote cast on A is there.
  await command(p, { type: 'goto', slide: SLIDE.q2 }, (s) => s.poll?.id === 'q2');
  const q2 = await again.c.next('state', (s) => s.poll?.id === 'q2');
  assert.equal(q2.myVote, 'no', 'the q2 vote cast on A is still this phone\'s on B');
  // An invented token is not accepted on either node.
  for (const node of [A, B]) {
    const forged = await joinAttendee(node, CODE, { participant: 'f'.repeat(32), label: 'forger' });
    assert.notEqual(forged.welcome.participant, 'f'.repeat(32));
    assert.equal(forged.state.myVote, null);
    forged.c.close();
  }
  await until(async () => (await A.get('/healthz')).status === 200 && (await B.get('/healthz')).status === 200, 2000, 'both nodes healthy');
  again.c.close();
  p.close();
});

// A join waits for Redis; a client that sends its vote right behind the join,
// without waiting for the welcome, still gets the welcome first and its vote
// counted (a node that read on would refuse the vote as not_joined).
test('a vote sent right behind its join, before the welcome, is counted', { skip: skipWithoutRedis }, async () => {
  const { c: p } = await joinPresenter(A);
  await command(p, { type: 'goto', slide: SLIDE.q1 }, (s) => s.poll?.id === 'q1');
  if (p.latest.state.poll.status !== 'open') await command(p, { type: 'open' }, (s) => s.poll?.status === 'open');
  const before = p.latest.tally?.poll === 'q1' ? p.latest.tally.voters
    : (await p.next('tally', (x) => x.poll === 'q1')).voters;
  for (const node of [A, B]) {
    await until(async () => {
      const st = JSON.parse((await node.get(`/api/sessions/${CODE}/results.json`, auth())).body);
      return st.sessions.find((x) => x.code === CODE).polls.find((x) => x.id === 'q1').status === 'open';
    }, 5000, 'q1 open on the node');
  }
  const phones = [];
  for (const node of [A, B]) {
    const c = await Client.connect(node, { label: `pipelined@${node === A ? 'A' : 'B'}` });
    c.request({ type: 'join', code: CODE });
    const id = c.request({ type: 'vote', poll: 'q1', choice: 'yes' });
    const first = await c.next(['welcome', 'error', 'ack'], () => true);
    assert.equal(first.type, 'welcome', `the welcome comes first: ${JSON.stringify(first)}`);
    const m = await c.next(['ack', 'error'], (x) => x.id === id);
    assert.equal(m.type, 'ack', `the vote behind the join: ${JSON.stringify(m)}`);
    phones.push(c);
  }
  await p.next('tally', (x) => x.poll === 'q1' && x.voters === before + 2, 5000);
  for (const c of phones) c.close();
  p.close();
});
