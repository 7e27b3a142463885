// vote.test.mjs -- 200 attendees join and vote on one open poll, 50 change
// their minds; every vote is acknowledged with its id, every attendee's state
// shows its own vote, and the presenter's tally ends exact.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { CODE, SLIDE, command, joinAttendee, joinPresenter, pool, startServer } from './lib.mjs';

const N = 200;
const CHANGERS = 50;
const BATCH = 50;

let server;
let presenter;

before(async () => {
  server = await startServer();
  ({ c: presenter } = await joinPresenter(server));
  await command(presenter, { type: 'goto', slide: SLIDE.q1 },
    (s) => s.slide.index === SLIDE.q1 && s.poll?.status === 'open');
});

after(async () => {
  await server?.stop();
});

test('200 attendees vote, 50 change their vote, the tally is exact', async () => {
  const choiceOf = (i) => (i % 3 === 0 ? 'no' : 'yes');
  const flip = (c) => (c === 'yes' ? 'no' : 'yes');

  // Join in batches of 50 concurrent connections.
  const attendees = await pool([...Array(N).keys()], BATCH, async (i) => {
    const { c, welcome, state } = await joinAttendee(server, CODE, { label: `attendee${i}`, timeoutMs: 10000 });
    assert.equal(welcome.role, 'attendee');
    assert.equal(welcome.protocol, 1);
    assert.match(welcome.participant, /^\S{16,}$/);
    assert.equal(welcome.session.code, CODE);
    assert.equal(state.slide.index, SLIDE.q1);
    assert.equal(state.poll.id, 'q1');
    assert.equal(state.poll.status, 'open');
    assert.equal(state.myVote, null);
    return { c, participant: welcome.participant };
  });
  assert.equal(new Set(attendees.map((a) => a.participant)).size, N, 'every attendee gets its own token');

  // Everyone votes, in batches; each ack echoes the id, poll and choice, and
  // a state showing the vote follows it.
  await pool(attendees, BATCH, async (a, i) => {
    const choice = choiceOf(i);
    const id = a.c.request({ type: 'vote', poll: 'q1', choice });
    const ack = await a.c.next(['ack', 'error'], (m) => m.id === id, 10000);
    assert.deepEqual({ type: ack.type, id: ack.id, poll: ack.poll, choice: ack.choice },
      { type: 'ack', id, poll: 'q1', choice }, `attendee${i}: ${JSON.stringify(ack)}`);
    const st = await a.c.next('state', (s) => s.myVote === choice, 10000);
    assert.equal(st.poll.id, 'q1');
  });

  // The first 50 change their vote.
  await pool(attendees.slice(0, CHANGERS), BATCH, async (a, i) => {
    const choice = flip(choiceOf(i));
    const id = a.c.request({ type: 'vote', poll: 'q1', choice });
    const ack = await a.c.next(['ack', 'error'], (m) => m.id === id, 10000);
    assert.equal(ack.type, 'ack', `attendee${i}: ${JSON.stringify(ack)}`);
    assert.equal(ack.choice, choice);
    await a.c.next('state', (s) => s.myVote === choice, 10000);
  });

  const expected = { yes: 0, no: 0 };
  for (let i = 0; i < N; i++) expected[i < CHANGERS ? flip(choiceOf(i)) : choiceOf(i)]++;

  // Tallies are coalesced; the last one after the burst is exact.  Every
  // tally on the way must be consistent, and one must match within 10 s.
  const exact = (t) => t.poll === 'q1' && t.counts.yes === expected.yes && t.counts.no === expected.no;
  const tally = await presenter.next('tally', (t) => {
    assert.equal(t.counts.yes + t.counts.no, t.voters, `tally voters ${JSON.stringify(t)}`);
    assert.ok(t.voters <= N, `tally has more voters than attendees: ${JSON.stringify(t)}`);
    return exact(t);
  }, 10000);
  assert.equal(tally.status, 'open');
  assert.equal(tally.voters, N);
  assert.equal(tally.participants, N);
  assert.equal(tally.connected, N);
  assert.deepEqual(Object.keys(tally.counts).sort(), ['no', 'yes']);

  // A later tally, if any, must still be exact.
  presenter.drain('tally');
  presenter.send({ type: 'ping', id: 999999 });
  await presenter.next('pong', (m) => m.id === 999999);
  for (const t of presenter.queue.filter((m) => m.type === 'tally')) assert.ok(exact(t), JSON.stringify(t));

  // A reconnecting attendee sees its vote: state.myVote.
  for (const i of [0, 1, CHANGERS, N - 1]) {
    const want = i < CHANGERS ? flip(choiceOf(i)) : choiceOf(i);
    const { c, welcome, state } = await joinAttendee(server, CODE, { participant: attendees[i].participant });
    assert.equal(welcome.participant, attendees[i].participant);
    assert.equal(state.myVote, want, `attendee${i} after rejoin`);
    await c.close();
  }

  await Promise.all(attendees.map((a) => a.c.close()));
});
