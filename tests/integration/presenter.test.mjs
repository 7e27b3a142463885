// presenter.test.mjs -- presenter commands: only the key holder may drive the
// room; goto moves every attendee; polls open on first arrival and close on
// leaving; close, hidden results and reveal, reset; discussion timers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { CODE, Client, SLIDE, command, joinAttendee, joinPresenter, startServer } from './lib.mjs';

let server;
let presenter;
let deckWelcome;
let attendees = [];

before(async () => {
  server = await startServer();
  ({ c: presenter, welcome: deckWelcome } = await joinPresenter(server));
  attendees = await Promise.all([0, 1, 2, 3, 4].map((i) => joinAttendee(server, CODE, { label: `attendee${i}` })));
});

after(async () => {
  await Promise.all(attendees.map((a) => a.c.close()));
  await server?.stop();
});

// The fields of a results object the contract names (others may be added).
function results(r) {
  return r && { counts: r.counts, voters: r.voters };
}

// Waits until every attendee has seen a state matching pred; returns them.
function allSee(pred, timeoutMs = 5000) {
  return Promise.all(attendees.map((a) => a.c.next('state', pred, timeoutMs)));
}

test('presenter welcome carries the session and the whole deck', () => {
  const w = deckWelcome;
  assert.equal(w.role, 'presenter');
  assert.equal(w.protocol, 1);
  assert.equal(w.session.code, CODE);
  assert.equal(w.session.title, 'Integration deck');
  assert.match(w.session.joinUrl, new RegExp(`/j/${CODE}$`));
  assert.equal(typeof w.serverTime, 'number');
  const slides = w.deck.slides;
  assert.equal(slides.length, SLIDE.count);
  assert.deepEqual(slides.map((s) => s.kind), ['content', 'discuss', 'poll', 'poll', 'poll', 'content']);
  slides.forEach((s, i) => assert.equal(s.index, i));
  assert.equal(slides[SLIDE.discuss].discuss.seconds, 120);
  assert.equal(slides[SLIDE.q1].poll.id, 'q1');
  assert.equal(slides[SLIDE.q1].poll.kind, 'yesno');
  assert.equal(slides[SLIDE.q1].poll.question, 'Is this the first question?');
  assert.deepEqual(slides[SLIDE.q1].poll.options.map((o) => o.id), ['yes', 'no']);
  assert.equal(slides[SLIDE.q1].poll.resultsHidden, false);
  assert.equal(slides[SLIDE.q2].poll.resultsHidden, true);
  for (const a of attendees) assert.equal(a.state.slide.index, SLIDE.welcome);
});

test('on a slide without a poll, room messages tell the presenter who joined and who is connected', async () => {
  // The session starts on the welcome slide (content): no tally there.
  const { c: p, state } = await joinPresenter(server, CODE, server.key, { label: 'room-presenter' });
  assert.equal(state.poll, null);
  let m = await p.next('room');
  assert.deepEqual([m.participants, m.connected], [5, 5]);
  const extra = await joinAttendee(server, CODE, { label: 'room-newcomer' });
  m = await p.next('room', (x) => x.participants === 6);
  assert.equal(m.connected, 6);
  await extra.c.close();
  m = await p.next('room', (x) => x.connected === 5);
  assert.equal(m.participants, 6, 'a participant who left still counts as joined');
  await p.close();
});

test('a wrong key is forbidden, the connection stays unjoined, the room does not move', async () => {
  const intruder = await Client.connect(server, { label: 'intruder' });
  intruder.send({ type: 'join', code: CODE, key: 'not-the-key-0123456789', id: 1 });
  const e1 = await intruder.nextError(1);
  assert.equal(e1.code, 'forbidden');
  assert.equal(intruder.seen.find((m) => m.type === 'welcome'), undefined);
  intruder.send({ type: 'goto', slide: SLIDE.thanks, id: 2 });
  const e2 = await intruder.nextError(2);
  assert.ok(['forbidden', 'not_joined'].includes(e2.code), JSON.stringify(e2));
  await intruder.close();

  // The real presenter now moves to the discussion slide; no attendee may
  // have seen the intruder's slide on the way.
  await command(presenter, { type: 'goto', slide: SLIDE.discuss }, (s) => s.slide.index === SLIDE.discuss);
  await allSee((s) => s.slide.index === SLIDE.discuss);
  for (const a of attendees) {
    assert.ok(!a.c.seen.some((m) => m.type === 'state' && m.slide.index === SLIDE.thanks),
      `${a.c.label} saw the intruder's goto`);
  }
});

test('attendees sending presenter commands get forbidden for each', async () => {
  const a = attendees[0].c;
  const cmds = [
    { type: 'goto', slide: SLIDE.thanks }, { type: 'next' }, { type: 'prev' }, { type: 'open' },
    { type: 'close' }, { type: 'reveal' }, { type: 'hide' }, { type: 'reset' },
    { type: 'timer', action: 'stop' },
  ];
  for (const cmd of cmds) {
    const id = a.request(cmd);
    const e = await a.nextError(id);
    assert.equal(e.code, 'forbidden', `${JSON.stringify(cmd)}: ${JSON.stringify(e)}`);
  }
  // A join with a wrong key on an attendee connection is forbidden too.
  const id = a.request({ type: 'join', code: CODE, key: 'still-not-the-key-000' });
  assert.equal((await a.nextError(id)).code, 'forbidden');
  // Nothing moved: the presenter's next step is what everyone sees.
  await command(presenter, { type: 'prev' }, (s) => s.slide.index === SLIDE.welcome);
  await allSee((s) => s.slide.index === SLIDE.welcome);
  assert.ok(!attendees.some((x) => x.c.seen.some((m) => m.type === 'state' && m.slide.index === SLIDE.thanks)));
});

test('discussion slide: a running 2-minute timer', async () => {
  await command(presenter, { type: 'goto', slide: SLIDE.discuss }, (s) => s.slide.index === SLIDE.discuss);
  const states = await allSee((s) => s.slide.index === SLIDE.discuss);
  for (const s of states) {
    assert.equal(s.slide.kind, 'discuss');
    assert.equal(s.poll, null);
    assert.equal(typeof s.slide.html, 'string');
    const d = s.slide.discuss;
    assert.ok(d, `a discuss slide carries "discuss": ${JSON.stringify(s.slide)}`);
    assert.equal(d.seconds, 120);
    assert.equal(d.running, true);
    assert.ok(d.endsAt > s.serverTime, `endsAt ${d.endsAt} after serverTime ${s.serverTime}`);
    assert.ok(d.endsAt <= s.serverTime + 120000 + 1000, `endsAt within 120 s: ${JSON.stringify(d)}`);
    assert.ok(d.endsAt > Date.now() - 5000, 'endsAt in the future on our clock too');
    assert.ok(d.remaining > 100 && d.remaining <= 120, JSON.stringify(d));
  }
  // timer stop stops it.
  const st = await command(presenter, { type: 'timer', action: 'stop' }, (s) => s.slide.discuss?.running === false);
  assert.equal(st.slide.discuss.seconds, 120);
  await allSee((s) => s.slide.discuss?.running === false);
  // timer start restarts it.
  const again = await command(presenter, { type: 'timer', action: 'start' }, (s) => s.slide.discuss?.running === true);
  assert.ok(again.slide.discuss.endsAt > again.serverTime);
  await allSee((s) => s.slide.discuss?.running === true);
});

test('goto moves everyone; arriving at a never-opened poll opens it', async () => {
  const p = await command(presenter, { type: 'goto', slide: SLIDE.q3 }, (s) => s.slide.index === SLIDE.q3);
  assert.equal(p.poll.id, 'q3');
  assert.equal(p.poll.status, 'open');
  assert.deepEqual(results(p.poll.results), { counts: { yes: 0, no: 0 }, voters: 0 });
  const states = await allSee((s) => s.slide.index === SLIDE.q3);
  for (const s of states) {
    assert.equal(s.slide.kind, 'poll');
    assert.equal(s.slide.count, SLIDE.count);
    assert.equal(s.slide.title, 'Is this the third question?');
    assert.equal(s.poll.id, 'q3');
    assert.equal(s.poll.kind, 'yesno');
    assert.equal(s.poll.question, 'Is this the third question?');
    assert.deepEqual(s.poll.options.map((o) => ({ id: o.id, label: o.label })), [{ id: 'yes', label: 'Yes' }, { id: 'no', label: 'No' }]);
    assert.equal(s.poll.status, 'open');
    assert.equal(s.poll.resultsHidden, false);
    assert.equal(s.poll.results, null, 'results are null while the poll is open');
    assert.equal(s.myVote, null);
  }
  const t = await presenter.next('tally', (m) => m.poll === 'q3' && m.status === 'open');
  assert.deepEqual(t.counts, { yes: 0, no: 0 });
});

test('close makes votes fail with poll_closed; results then show', async () => {
  await command(presenter, { type: 'goto', slide: SLIDE.q1 }, (s) => s.poll?.id === 'q1' && s.poll.status === 'open');
  await allSee((s) => s.poll?.id === 'q1' && s.poll.status === 'open');
  await attendees[0].c.vote('q1', 'yes');
  await attendees[1].c.vote('q1', 'no');
  await attendees[2].c.vote('q1', 'yes');
  await presenter.next('tally', (m) => m.poll === 'q1' && m.voters === 3);

  const closed = await command(presenter, { type: 'close' }, (s) => s.poll?.status === 'closed');
  assert.deepEqual(results(closed.poll.results), { counts: { yes: 2, no: 1 }, voters: 3 });
  const states = await allSee((s) => s.poll?.id === 'q1' && s.poll.status === 'closed');
  for (const s of states) assert.deepEqual(results(s.poll.results), { counts: { yes: 2, no: 1 }, voters: 3 });
  assert.equal(states[0].myVote, 'yes');
  assert.equal(states[1].myVote, 'no');
  assert.equal(states[3].myVote, null);

  const a = attendees[3].c;
  const id = a.request({ type: 'vote', poll: 'q1', choice: 'no' });
  const e = await a.nextError(id);
  assert.equal(e.code, 'poll_closed');
  // A vote change on the closed poll fails too.
  const id2 = attendees[0].c.request({ type: 'vote', poll: 'q1', choice: 'no' });
  assert.equal((await attendees[0].c.nextError(id2)).code, 'poll_closed');

  const t = await presenter.next('tally', (m) => m.poll === 'q1' && m.status === 'closed');
  assert.deepEqual(t.counts, { yes: 2, no: 1 });

  // open again: voting resumes.
  await command(presenter, { type: 'open' }, (s) => s.poll?.status === 'open');
  await allSee((s) => s.poll?.status === 'open');
  await a.vote('q1', 'no');
  await presenter.next('tally', (m) => m.poll === 'q1' && m.voters === 4 && m.counts.no === 2);
});

test('hidden results: null for attendees until reveal after close', async () => {
  const p = await command(presenter, { type: 'goto', slide: SLIDE.q2 }, (s) => s.poll?.id === 'q2');
  assert.equal(p.poll.status, 'open');
  assert.equal(p.poll.resultsHidden, true);
  assert.ok(p.poll.results, 'the presenter always gets results');
  await allSee((s) => s.poll?.id === 'q2' && s.poll.status === 'open');

  await attendees[0].c.vote('q2', 'yes');
  const mine = await attendees[0].c.next('state', (s) => s.myVote === 'yes');
  assert.equal(mine.poll.results, null);
  assert.equal(mine.poll.resultsHidden, true);
  const t = await presenter.next('tally', (m) => m.poll === 'q2' && m.voters === 1);
  assert.equal(t.resultsHidden, true);
  assert.equal(t.revealed, false);
  assert.deepEqual(t.counts, { yes: 1, no: 0 });

  await command(presenter, { type: 'close' }, (s) => s.poll?.status === 'closed');
  const closed = await allSee((s) => s.poll?.id === 'q2' && s.poll.status === 'closed');
  for (const s of closed) assert.equal(s.poll.results, null, 'hidden results stay null after close');

  // reveal: the tally says revealed, attendees get the results.
  const rid = presenter.request({ type: 'reveal' });
  const rt = await presenter.next(['tally', 'error'],
    (m) => m.id === rid || (m.type === 'tally' && m.poll === 'q2' && m.revealed === true));
  assert.equal(rt.type, 'tally', JSON.stringify(rt));
  assert.deepEqual(rt.counts, { yes: 1, no: 0 });
  const shown = await allSee((s) => s.poll?.id === 'q2' && s.poll.results !== null);
  for (const s of shown) assert.deepEqual(results(s.poll.results), { counts: { yes: 1, no: 0 }, voters: 1 });

  // hide: hidden again.
  const hid = presenter.request({ type: 'hide' });
  const ht = await presenter.next(['tally', 'error'],
    (m) => m.id === hid || (m.type === 'tally' && m.poll === 'q2' && m.revealed === false));
  assert.equal(ht.type, 'tally', JSON.stringify(ht));
  const hidden = await allSee((s) => s.poll?.id === 'q2' && s.poll.results === null);
  assert.equal(hidden.length, attendees.length);
});

test('reset zeroes the tally and forgets the votes', async () => {
  // q3 was shown for a moment with no vote and left: passed through, it is
  // as if never opened, so arriving back opens it (console.test.mjs has the rule).
  const back = await command(presenter, { type: 'goto', slide: SLIDE.q3 }, (s) => s.poll?.id === 'q3');
  assert.equal(back.poll.status, 'open');
  await command(presenter, { type: 'open' }, (s) => s.poll?.id === 'q3' && s.poll.status === 'open');
  await allSee((s) => s.poll?.id === 'q3' && s.poll.status === 'open');
  await attendees[0].c.vote('q3', 'yes');
  await attendees[1].c.vote('q3', 'yes');
  await presenter.next('tally', (m) => m.poll === 'q3' && m.voters === 2);

  const id = presenter.request({ type: 'reset' });
  const t = await presenter.next(['tally', 'error'], (m) => m.id === id || (m.type === 'tally' && m.poll === 'q3' && m.voters === 0));
  assert.equal(t.type, 'tally', JSON.stringify(t));
  assert.deepEqual(t.counts, { yes: 0, no: 0 });

  // A rejoin with the same token shows no vote on q3 any more.
  const { c, state } = await joinAttendee(server, CODE, { participant: attendees[0].welcome.participant });
  assert.equal(state.poll.id, 'q3');
  assert.equal(state.myVote, null);
  await c.close();
  // And the poll still takes votes.
  await attendees[1].c.vote('q3', 'no');
  const t2 = await presenter.next('tally', (m) => m.poll === 'q3' && m.voters === 1);
  assert.deepEqual(t2.counts, { yes: 0, no: 1 });
});

test('commands without a poll, out-of-range slides, next/prev stop at the ends', async () => {
  await command(presenter, { type: 'goto', slide: SLIDE.welcome }, (s) => s.slide.index === SLIDE.welcome);
  for (const type of ['open', 'close', 'reveal', 'reset']) {
    const id = presenter.request({ type });
    assert.equal((await presenter.nextError(id)).code, 'unknown_poll', type);
  }
  const id = presenter.request({ type: 'goto', slide: SLIDE.count });
  assert.equal((await presenter.nextError(id)).code, 'bad_message');

  // prev at the first slide stays there: a ping after it shows no other state came.
  presenter.drain('state');
  presenter.request({ type: 'prev' });
  const pid = presenter.request({ type: 'ping' });
  await presenter.next('pong', (m) => m.id === pid);
  assert.ok(!presenter.queue.some((m) => m.type === 'state' && m.slide.index !== SLIDE.welcome));

  await command(presenter, { type: 'goto', slide: SLIDE.thanks }, (s) => s.slide.index === SLIDE.thanks);
  presenter.drain('state');
  presenter.request({ type: 'next' });
  const pid2 = presenter.request({ type: 'ping' });
  await presenter.next('pong', (m) => m.id === pid2);
  assert.ok(!presenter.queue.some((m) => m.type === 'state' && m.slide.index !== SLIDE.thanks));
  await allSee((s) => s.slide.index === SLIDE.thanks);
});

test('leaving a poll closes it; coming back leaves it closed until open', async () => {
  // q3 was left open by the reset test and closed when we moved away.
  presenter.drain('tally');
  const s = await command(presenter, { type: 'goto', slide: SLIDE.q3 }, (x) => x.poll?.id === 'q3');
  assert.equal(s.poll.status, 'closed');
  await presenter.next('tally', (m) => m.poll === 'q3' && m.status === 'closed');
  const id = attendees[4].c.request({ type: 'vote', poll: 'q3', choice: 'yes' });
  assert.equal((await attendees[4].c.nextError(id)).code, 'poll_closed');
});

test('state versions never go back', () => {
  for (const a of attendees) {
    const versions = a.c.seen.filter((m) => m.type === 'state').map((m) => m.version);
    assert.ok(versions.every((v) => Number.isInteger(v)), `${a.c.label}: ${versions}`);
    for (let i = 1; i < versions.length; i++) {
      assert.ok(versions[i] >= versions[i - 1], `${a.c.label}: versions ${versions.join(',')}`);
    }
    assert.ok(versions[versions.length - 1] > versions[0], `${a.c.label}: the room moved, the version did not`);
  }
});
