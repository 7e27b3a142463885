// keepalive.test.mjs -- dead phones are found: the server pings a silent
// connection after --ping-interval seconds and hangs up on one that does not
// answer within half an interval more; a phone that answers (every browser
// and WebSocket library does) stays connected and keeps voting.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { CODE, SLIDE, Server, command, joinAttendee, joinPresenter, sleep } from './lib.mjs';
import { OP, RawWs } from './hostile-frames.mjs';

const INTERVAL_S = 1;
let server;

before(async () => {
  server = new Server({ args: ['--ping-interval', String(INTERVAL_S)] });
  await server.start();
  const { c: p } = await joinPresenter(server);
  await command(p, { type: 'goto', slide: SLIDE.q1 }, (s) => s.poll?.id === 'q1' && s.poll.status === 'open');
  await p.close();
});

after(async () => {
  await server?.stop();
});

async function rawAttendee() {
  const w = await RawWs.open(server.port, { origin: server.origin });
  w.send({ type: 'join', code: CODE });
  await w.message((m) => m.type === 'state');
  return w;
}

test('a silent connection is pinged, and hung up on when it never answers', async () => {
  const w = await rawAttendee();
  const t0 = Date.now();
  await w.frame((f) => f.opcode === OP.ping, 3000);
  const pingedAfter = Date.now() - t0;
  assert.ok(pingedAfter >= INTERVAL_S * 1000 - 100, `pinged after ${pingedAfter} ms, before the interval`);
  const { ms } = await w.waitClosed(4000);
  const total = Date.now() - t0;
  assert.ok(total >= INTERVAL_S * 1500 - 100, `hung up after ${total} ms, before 1.5 intervals (${ms} ms after the ping)`);
});

test('a connection that answers its pings stays open for several intervals', async () => {
  const w = await rawAttendee();
  let pongs = 0;
  const answer = setInterval(() => {
    while (w.frames.some((f) => f.opcode === OP.ping && !f.answered)) {
      const f = w.frames.find((x) => x.opcode === OP.ping && !x.answered);
      f.answered = true;
      w.sendFrame({ opcode: OP.pong, payload: f.payload });
      pongs++;
    }
  }, 50);
  try {
    await sleep(INTERVAL_S * 4000);
    assert.equal(w.ended, false, 'the server closed a connection that answered every ping');
    assert.ok(pongs >= 2, `only ${pongs} pings in ${4 * INTERVAL_S} s`);
  } finally {
    clearInterval(answer);
    w.destroy();
  }
});

test('a phone on a WebSocket library (automatic pongs) keeps voting across intervals', async () => {
  const { c } = await joinAttendee(server, CODE, { label: 'phone' });
  await c.vote('q1', 'yes');
  await sleep(INTERVAL_S * 3500);
  assert.equal(c.closeInfo, undefined, `closed: ${JSON.stringify(c.closeInfo)}`);
  await c.vote('q1', 'no');
  await c.close();
});

test('a connection that never joins is hung up on too', async () => {
  const w = await RawWs.open(server.port, { origin: server.origin });
  await w.frame((f) => f.opcode === OP.ping, 3000);
  await w.waitClosed(4000);
});
