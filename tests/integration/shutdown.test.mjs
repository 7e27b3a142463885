// shutdown.test.mjs -- SIGTERM under load (DESIGN section 11): phones voting
// as fast as the rate limit lets them get {"type":"bye","reason":"restart"},
// the votes in flight are committed and acknowledged, connections close
// with 1001, the process exits 0 within 5 s, and every acknowledged vote is
// in the data file.  SIGINT says "shutdown" instead.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CODE, SLIDE, Server, command, joinAttendee, joinPresenter, sleep } from './lib.mjs';
import { haveSqlite3 } from './durable-lib.mjs';
import { Phone, acksLost } from './phones-lib.mjs';

const PHONES = 60;
const skip = (await haveSqlite3()) ? false : 'needs the sqlite3 shell';

async function openPoll(server) {
  const p = await joinPresenter(server);
  await command(p.c, { type: 'goto', slide: SLIDE.q1 }, (s) => s.poll?.id === 'q1' && s.poll.status === 'open');
  return p;
}

test('SIGTERM under load: bye, acks flushed, exit 0 within 5 s, no acknowledged vote lost', { skip }, async (t) => {
  const server = new Server();
  await server.start();
  const p = await openPoll(server);
  const phones = Array.from({ length: PHONES }, (_, i) => new Phone(server, CODE, 'q1', `phone${i}`, { intervalMs: 60 }));
  const runs = phones.map((ph) => ph.run());
  const t0 = Date.now();
  while (phones.some((ph) => ph.acks < 3)) {
    assert.ok(Date.now() - t0 < 20000, 'every phone has votes acknowledged');
    await sleep(50);
  }
  const acksBefore = phones.reduce((n, ph) => n + ph.acks, 0);
  const start = Date.now();
  server.child.kill('SIGTERM');
  const r = await server.exited;
  const took = Date.now() - start;
  for (const ph of phones) ph.stopped = true;
  await Promise.all(runs);
  server.child = null;
  assert.deepEqual(r, { code: 0, signal: null }, server.output());
  assert.ok(took < 5000, `stopped in ${took} ms`);
  const withBye = phones.filter((ph) => ph.byes.includes('restart')).length;
  assert.equal(withBye, PHONES, `every phone was told "restart" (${withBye} of ${PHONES})`);
  const closes = phones.flatMap((ph) => ph.closes);
  assert.ok(closes.length && closes.every((c) => c === 1001), `close codes ${[...new Set(closes)]}`);
  assert.match(p.c.seen.find((m) => m.type === 'bye')?.reason || '', /^restart$/, 'the presenter is told too');
  assert.match(server.stderr, /msg="stopping: goodbye sent" reason=restart connections=\d+/);
  assert.match(server.stderr, /msg="stopping: data file flushed and released"/);
  const lost = await acksLost(server.data, CODE, 'q1', phones);
  assert.deepEqual(lost, [], `acks lost (of ${acksBefore}+ acknowledged)`);
  t.diagnostic(`${PHONES} phones, ${phones.reduce((n, ph) => n + ph.acks, 0)} acks; exit ${took} ms after SIGTERM; 0 acks lost`);
});

test('SIGINT says goodbye with reason "shutdown" and exits 0', async () => {
  const server = new Server();
  await server.start();
  const a = await joinAttendee(server);
  server.child.kill('SIGINT');
  const bye = await a.c.next('bye', null, 5000);
  assert.deepEqual(bye, { type: 'bye', reason: 'shutdown' });
  const closed = await a.c.closed;
  assert.equal(closed.code, 1001);
  const r = await server.exited;
  server.child = null;
  assert.deepEqual(r, { code: 0, signal: null }, server.output());
});
