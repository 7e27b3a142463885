// ids.test.mjs -- request ids (docs/protocol.md, "Request ids"): any JSON
// integer that fits 64 bits, negative too, or a string of at most 64 bytes,
// echoed back exactly as sent, with the same JSON type and value, in ack,
// error and pong, also for an ack that waited for the data file.  An id of
// any other kind is itself the error: bad_message naming "id", with no id.
//
// Frames are compared as raw text where a JavaScript number could not hold
// the value (beyond 2^53).
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';

import { CODE, SLIDE, command, joinAttendee, joinPresenter, startServer } from './lib.mjs';

let server;
let presenter;
let attendee;     // a fresh one per test, each well inside the rate limit
let raw = [];     // every text frame the attendee received, unparsed

before(async () => {
  server = await startServer();
  ({ c: presenter } = await joinPresenter(server));
  await command(presenter, { type: 'goto', slide: SLIDE.q1 }, (s) => s.poll?.id === 'q1' && s.poll.status === 'open');
});

beforeEach(async () => {
  await attendee?.close();
  ({ c: attendee } = await joinAttendee(server, CODE, { label: 'ids' }));
  raw = [];
  attendee.ws.on('message', (d) => raw.push(d.toString()));
});

after(async () => {
  await attendee?.close();
  await presenter?.close();
  await server?.stop();
});

// Sends a frame (text) and returns the raw text of the first ack, error or
// pong received after it.
async function exchange(frame) {
  const from = raw.length;
  attendee.send(frame);
  const deadline = Date.now() + 5000;
  for (;;) {
    for (let i = from; i < raw.length; i++) {
      const t = JSON.parse(raw[i]).type;
      if (t === 'ack' || t === 'error' || t === 'pong') return raw[i];
    }
    if (Date.now() > deadline) throw new Error(`no answer to ${frame}; got ${raw.slice(from).join('\n')}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// The raw JSON text of the "id" member of a compact object, or undefined.
function rawId(text) {
  const m = /"id":(-?\d+|"(?:[^"\\]|\\.)*")/.exec(text);
  return m ? m[1] : undefined;
}

test('integer ids, negative and beyond 2^53, come back as the same integer in ack, error and pong', async () => {
  for (const id of ['0', '7', '-1', '-42', '9007199254740993', '9223372036854775807', '-9223372036854775808']) {
    const ack = await exchange(`{"type":"vote","poll":"q1","choice":"yes","id":${id}}`);
    assert.equal(JSON.parse(ack).type, 'ack', ack);
    assert.equal(rawId(ack), id, ack);
    const err = await exchange(`{"type":"vote","poll":"nope","choice":"yes","id":${id}}`);
    assert.equal(JSON.parse(err).code, 'unknown_poll', err);
    assert.equal(rawId(err), id, err);
    const pong = await exchange(`{"type":"ping","id":${id}}`);
    assert.equal(JSON.parse(pong).type, 'pong', pong);
    assert.equal(rawId(pong), id, pong);
  }
});

test('string ids (empty, 64 bytes, quotes and non-ASCII) come back as the same string', async () => {
  const ids = ['abc', '', '7', 'x'.repeat(64), 'réq "7" \\ /', 'e1d7c1a0-5f55-4c9c-9d4e-3b7f1c2a9e10', '日本'];
  assert.equal(Buffer.byteLength(ids[3]), 64);
  for (const id of ids) {
    const ack = JSON.parse(await exchange(JSON.stringify({ type: 'vote', poll: 'q1', choice: 'no', id })));
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    assert.equal(ack.id, id);
    const err = JSON.parse(await exchange(JSON.stringify({ type: 'vote', poll: 'q1', choice: 'maybe', id })));
    assert.equal(err.code, 'bad_message', JSON.stringify(err));
    assert.equal(err.id, id);
    const pong = JSON.parse(await exchange(JSON.stringify({ type: 'ping', id })));
    assert.equal(pong.id, id);
  }
  // A string that looks like a number stays a string.
  const ack = await exchange('{"type":"vote","poll":"q1","choice":"yes","id":"12"}');
  assert.equal(rawId(ack), '"12"', ack);
});

test('an id of another kind is bad_message naming "id", and nothing is echoed', async () => {
  const cases = ['1.5', '1.0', '-0.5', '1e3', 'null', 'true', 'false', '{}', '[7]', `"${'x'.repeat(65)}"`,
    '100000000000000000000', '-100000000000000000000'];
  for (const id of cases) {
    const text = await exchange(`{"type":"vote","poll":"q1","choice":"yes","id":${id}}`);
    const m = JSON.parse(text);
    assert.equal(m.type, 'error', `id ${id}: ${text}`);
    assert.equal(m.code, 'bad_message', `id ${id}: ${text}`);
    assert.ok(!('id' in m), `id ${id}: nothing to echo: ${text}`);
    assert.match(m.message, /"id"/, `id ${id}: the message names the field: ${text}`);
  }
  // None of them voted: the attendee's vote is still the last good one.
  const ack = JSON.parse(await exchange('{"type":"vote","poll":"q1","choice":"no","id":"check"}'));
  assert.equal(ack.type, 'ack');
});

test('errors before a join and for presenter commands echo string ids too', async () => {
  const { c } = await joinAttendee(server, CODE, { label: 'ids-commands' });
  c.send({ type: 'goto', slide: 0, id: 'g-1' });
  const e = await c.next('error', (m) => m.id === 'g-1');
  assert.equal(e.code, 'forbidden');
  c.send({ type: 'join', code: '99999999', id: -5 });
  const u = await c.next('error', (m) => m.id === -5);
  assert.equal(u.code, 'unknown_session');
  await c.close();
  presenter.send({ type: 'goto', slide: 999, id: 'far' });
  const far = await presenter.next('error', (m) => m.id === 'far');
  assert.equal(far.code, 'bad_message');
});
