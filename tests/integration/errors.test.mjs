// errors.test.mjs -- every malformed or refused request gets the error code
// docs/protocol.md names (with its id echoed), an error never closes the
// connection except for an oversized message, and the server keeps serving
// everyone else afterwards.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { CODE, Client, SLIDE, command, joinAttendee, joinPresenter, startServer } from './lib.mjs';

let server;
let presenter;

before(async () => {
  server = await startServer();
  ({ c: presenter } = await joinPresenter(server));
  // q1 opens on arrival and closes when the presenter moves on to q2.
  await command(presenter, { type: 'goto', slide: SLIDE.q1 }, (s) => s.poll?.id === 'q1' && s.poll.status === 'open');
  await command(presenter, { type: 'goto', slide: SLIDE.q2 }, (s) => s.poll?.id === 'q2' && s.poll.status === 'open');
});

after(async () => {
  await server?.stop();
});

function assertError(m, code, id) {
  assert.equal(m.type, 'error', JSON.stringify(m));
  assert.equal(m.code, code, JSON.stringify(m));
  assert.equal(typeof m.message, 'string', JSON.stringify(m));
  assert.ok(m.message.length > 0, JSON.stringify(m));
  if (id !== undefined) assert.equal(m.id, id, `id echoed: ${JSON.stringify(m)}`);
}

test('frames that are not a JSON object: bad_json', async () => {
  const c = await Client.connect(server, { label: 'bad-json' });
  for (const frame of ['{"type":', 'hello', '[1,2]', '42', '"join"', '{"type":"ping"} trailing', 'null']) {
    c.send(frame);
    const m = await c.next('error');
    assertError(m, 'bad_json');
    assert.equal(m.id ?? null, null, `no id to echo for ${frame}`);
  }
  // Still open and answering.
  c.send({ type: 'ping', id: 5 });
  const pong = await c.next('pong', (m) => m.id === 5);
  assert.equal(typeof pong.serverTime, 'number');
  await c.close();
});

test('missing field, wrong type, unknown type: bad_message, id echoed', async () => {
  const c = await Client.connect(server, { label: 'bad-message' });
  const cases = [
    {},                                              // no type
    { type: 17 },                                    // type not a string
    { type: 'shout' },                               // unknown type
    { type: 'join' },                                // join without code
    { type: 'join', code: 12345678 },                // code not a string
    { type: 'join', code: '1234abcd' },              // code not digits
    { type: 'join', code: CODE, key: 42 },           // key not a string
    { type: 'vote', poll: 'q2' },                    // no choice
    { type: 'vote', choice: 'yes' },                 // no poll
    { type: 'vote', poll: 'q2', choice: true },      // choice not a string
    { type: 'goto', slide: 'two' },                  // slide not a number
    { type: 'timer', action: 'explode' },            // bad action
  ];
  let id = 100;
  for (const msg of cases) {
    id++;
    c.send({ ...msg, id });
    assertError(await c.nextError(id), 'bad_message', id);
  }
  await c.close();
});

test('join edge cases: an empty key is a wrong key; a null key or a token that is not a string is an attendee join', async () => {
  const c = await Client.connect(server, { label: 'join-edges' });
  // key "" is a presenter join with a wrong key: forbidden, still unjoined.
  c.send({ type: 'join', code: CODE, key: '', id: 1 });
  assertError(await c.nextError(1), 'forbidden', 1);
  c.send({ type: 'vote', poll: 'q2', choice: 'yes', id: 2 });
  assertError(await c.nextError(2), 'not_joined', 2);
  // key null, or no key: an attendee.
  c.send({ type: 'join', code: CODE, key: null, id: 3 });
  const w = await c.next('welcome');
  assert.equal(w.role, 'attendee');
  assert.match(w.participant, /^[0-9a-f]{32}$/);
  await c.next('state');
  // A participant that is not a string is ignored like an unknown token:
  // a fresh token each time, never bad_message.
  const tokens = new Set([w.participant]);
  for (const participant of [123, { token: w.participant }, null, [w.participant], true, '']) {
    c.send({ type: 'join', code: CODE, participant, id: 10 });
    const m = await c.next(['welcome', 'error'], (x) => x.type === 'welcome' || x.id === 10);
    assert.equal(m.type, 'welcome', `participant ${JSON.stringify(participant)}: ${JSON.stringify(m)}`);
    assert.equal(m.role, 'attendee');
    assert.ok(!tokens.has(m.participant), `participant ${JSON.stringify(participant)}: a fresh token`);
    tokens.add(m.participant);
    await c.next('state');
  }
  await c.close();
});

test('vote before join: not_joined; join with an unknown code: unknown_session', async () => {
  const c = await Client.connect(server, { label: 'unjoined' });
  c.send({ type: 'vote', poll: 'q2', choice: 'yes', id: 1 });
  assertError(await c.nextError(1), 'not_joined', 1);
  c.send({ type: 'join', code: '99999999', id: 2 });
  assertError(await c.nextError(2), 'unknown_session', 2);
  // Still not joined after the failed join.
  c.send({ type: 'vote', poll: 'q2', choice: 'yes', id: 3 });
  assertError(await c.nextError(3), 'not_joined', 3);
  // And the same connection can still join properly.
  c.send({ type: 'join', code: CODE, id: 4 });
  const w = await c.next('welcome');
  assert.equal(w.session.code, CODE);
  await c.next('state');
  await c.close();
});

test('unknown poll, bad choice, closed and never-opened polls', async () => {
  const { c, state } = await joinAttendee(server);
  assert.equal(state.poll.id, 'q2');

  c.send({ type: 'vote', poll: 'nope', choice: 'yes', id: 11 });
  assertError(await c.nextError(11), 'unknown_poll', 11);

  c.send({ type: 'vote', poll: 'q2', choice: 'maybe', id: 12 });
  assertError(await c.nextError(12), 'bad_message', 12);

  // q1 was closed when the presenter left it.
  c.send({ type: 'vote', poll: 'q1', choice: 'yes', id: 13 });
  assertError(await c.nextError(13), 'poll_closed', 13);

  // q3 was never opened.
  c.send({ type: 'vote', poll: 'q3', choice: 'no', id: 14 });
  assertError(await c.nextError(14), 'poll_closed', 14);

  // None of that recorded a vote; a good vote still works on this connection.
  const ack = await c.vote('q2', 'no');
  assert.equal(ack.choice, 'no');
  const st = await c.next('state', (s) => s.myVote === 'no');
  assert.equal(st.poll.id, 'q2');
  await c.close();
});

test('a 10 KB message: too_large and close code 1009', async () => {
  const { c } = await joinAttendee(server, CODE, { label: 'too-large' });
  c.send({ type: 'vote', poll: 'q2', choice: 'yes', id: 21, pad: 'x'.repeat(10 * 1024) });
  let timer;
  const info = await Promise.race([
    c.closed,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('connection not closed within 5 s')), 5000); }),
  ]).finally(() => clearTimeout(timer));
  const err = c.seen.find((m) => m.type === 'error');
  assert.ok(err?.code === 'too_large' || info.code === 1009,
    `expected a too_large error and/or close code 1009, got error ${JSON.stringify(err)} close ${JSON.stringify(info)}`);
  if (err) assertError(err, 'too_large');
  assert.equal(info.code, 1009, `close code: ${JSON.stringify(info)}`);
  // The oversized vote was not recorded.
  assert.equal(c.seen.find((m) => m.type === 'ack'), undefined);
});

test('after all that, others still join and vote; the tally counts only good votes', async () => {
  const { c } = await joinAttendee(server, CODE, { label: 'survivor' });
  await c.vote('q2', 'yes');
  // Votes on q2: 'no' from the earlier test and this 'yes'.
  const t = await presenter.next('tally', (m) => m.poll === 'q2' && m.voters === 2, 5000);
  assert.deepEqual(t.counts, { yes: 1, no: 1 });
  const h = await server.get('/healthz');
  assert.equal(h.status, 200);
  await c.close();
});
