// reconnect.test.mjs -- identity and votes survive a dropped connection and a
// server restart on the same data file; an invented token is not honoured.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { CODE, Client, SLIDE, Server, command, joinAttendee, joinPresenter, tempDir } from './lib.mjs';

let server;
let presenter;
const data = path.join(tempDir(), 'votes.db');
let alice;   // { participant } of a voter across the whole file
let bob;

before(async () => {
  server = new Server({ data });
  await server.start();
  ({ c: presenter } = await joinPresenter(server));
  await command(presenter, { type: 'goto', slide: SLIDE.q1 }, (s) => s.poll?.id === 'q1' && s.poll.status === 'open');
});

after(async () => {
  await server?.stop();
});

test('a closed connection rejoins with the same token and keeps its vote', async () => {
  const first = await joinAttendee(server, CODE, { label: 'alice' });
  alice = { participant: first.welcome.participant };
  await first.c.vote('q1', 'yes');
  await first.c.next('state', (s) => s.myVote === 'yes');
  await first.c.close();

  const again = await joinAttendee(server, CODE, { participant: alice.participant, label: 'alice-again' });
  assert.equal(again.welcome.participant, alice.participant);
  assert.equal(again.state.poll.id, 'q1');
  assert.equal(again.state.myVote, 'yes');

  // Changing the vote from the new connection replaces it, not adds one.
  await again.c.vote('q1', 'no');
  await again.c.next('state', (s) => s.myVote === 'no');
  const t = await presenter.next('tally', (m) => m.poll === 'q1' && m.counts.no === 1 && m.counts.yes === 0);
  assert.equal(t.voters, 1);
  assert.equal(t.participants, 1);
  await again.c.close();
});

test('a dropped connection (no close frame) rejoins the same way', async () => {
  const first = await joinAttendee(server, CODE, { label: 'bob' });
  bob = { participant: first.welcome.participant };
  await first.c.vote('q1', 'yes');
  await first.c.terminate();
  const again = await joinAttendee(server, CODE, { participant: bob.participant, label: 'bob-again' });
  assert.equal(again.welcome.participant, bob.participant);
  assert.equal(again.state.myVote, 'yes');
  await again.c.close();
  const t = await presenter.next('tally', (m) => m.poll === 'q1' && m.voters === 2);
  assert.deepEqual(t.counts, { yes: 1, no: 1 });
  assert.equal(t.participants, 2);
});

test('an invented token gets a fresh one and no vote', async () => {
  for (const fake of ['0123456789abcdef0123456789abcdef', 'not a token', alice.participant.slice(0, -1)]) {
    const { c, welcome, state } = await joinAttendee(server, CODE, { participant: fake, label: `fake:${fake}` });
    assert.notEqual(welcome.participant, fake);
    assert.notEqual(welcome.participant, alice.participant);
    assert.notEqual(welcome.participant, bob.participant);
    assert.match(welcome.participant, /^\S{16,}$/);
    assert.equal(state.myVote, null);
    await c.close();
  }
  const t = await presenter.next('tally', (m) => m.poll === 'q1' && m.participants === 5);
  assert.equal(t.voters, 2);
});

test('after a restart on the same data file: same code, tokens valid, votes and tally kept', async () => {
  // The previous test waited for this tally; it is the latest one.
  const before = presenter.latest.tally;
  assert.equal(before.poll, 'q1');
  assert.equal(before.participants, 5);
  await presenter.close();
  await server.stop();  // SIGTERM, exit status 0

  server = new Server({ data, port: server.port });
  await server.start();
  assert.match(server.stdout, /1234 5678|12345678/);

  const p = await joinPresenter(server);
  presenter = p.c;
  assert.equal(p.welcome.session.code, CODE);
  assert.equal(p.state.slide.index, SLIDE.q1, 'same slide after restart');
  assert.equal(p.state.poll.status, 'open');
  const t = await presenter.next('tally', (m) => m.poll === 'q1');
  assert.deepEqual(t.counts, before.counts);
  assert.equal(t.voters, before.voters);
  assert.equal(t.participants, before.participants);

  const a = await joinAttendee(server, CODE, { participant: alice.participant, label: 'alice-restart' });
  assert.equal(a.welcome.participant, alice.participant);
  assert.equal(a.state.myVote, 'no');
  const b = await joinAttendee(server, CODE, { participant: bob.participant, label: 'bob-restart' });
  assert.equal(b.welcome.participant, bob.participant);
  assert.equal(b.state.myVote, 'yes');

  // Alice can still change her vote, and the tally follows.
  await a.c.vote('q1', 'yes');
  const t2 = await presenter.next('tally', (m) => m.poll === 'q1' && m.counts.yes === 2);
  assert.deepEqual(t2.counts, { yes: 2, no: 0 });
  assert.equal(t2.voters, 2);
  assert.equal(t2.participants, 5);
  await a.c.close();
  await b.c.close();
});

test('any other string as a token is ignored too: empty, very long', async () => {
  // docs/protocol.md: "any other value is ignored and a fresh token is issued".
  for (const fake of ['', 'x'.repeat(300)]) {
    const c = await Client.connect(server, { label: `fake-len-${fake.length}` });
    const id = c.request({ type: 'join', code: CODE, participant: fake });
    const m = await c.next(['welcome', 'error'], (x) => x.type === 'welcome' || x.id === id);
    assert.equal(m.type, 'welcome', `join with a ${fake.length}-character token: ${JSON.stringify(m)}`);
    assert.notEqual(m.participant, fake);
    const st = await c.next('state');
    assert.equal(st.myVote, null);
    await c.close();
  }
});
