// upgrade.test.mjs -- an upgrade in the middle of a vote (--reuse-port): 200
// phones keep voting while a second handsup starts on the same port and
// data file, the first one gets SIGTERM, says goodbye, flushes and releases
// the file, the second takes it over, and the phones reconnect to it and go
// on voting.  Counted at the end against the data file: acks lost, zero.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { CODE, SLIDE, Server, command, deck, joinPresenter, runCli, sleep, tempDir } from './lib.mjs';
import { haveSqlite3 } from './durable-lib.mjs';
import { Phone, acksLost } from './phones-lib.mjs';

const PHONES = 200;
const skip = (await haveSqlite3()) ? false : 'needs the sqlite3 shell';

async function until(what, fn, timeoutMs = 20000) {
  const t0 = Date.now();
  while (!fn()) {
    assert.ok(Date.now() - t0 < timeoutMs, `timed out waiting for ${what}`);
    await sleep(25);
  }
}

test('--reuse-port: a new process takes over port and data file under 200 voting phones, no ack lost', { skip }, async (t) => {
  const old = new Server({ args: ['--reuse-port'] });
  await old.start();
  const p = await joinPresenter(old);
  await command(p.c, { type: 'goto', slide: SLIDE.q1 }, (s) => s.poll?.id === 'q1' && s.poll.status === 'open');
  const phones = Array.from({ length: PHONES }, (_, i) => new Phone(old, CODE, 'q1', `phone${i}`, { intervalMs: 150 }));
  const runs = phones.map((ph) => ph.run());
  await until('every phone voting', () => phones.every((ph) => ph.acks >= 2));

  // The new binary beside the old: same port, same data file.
  const next = new Server({ args: ['--reuse-port'], port: old.port, data: old.data });
  const starting = next.start();
  // It holds the port and waits for the data file...
  await until('the new process to wait for the data file', () => /waiting for the data file/.test(next.stderr), 10000);
  const acksAtHandover = phones.reduce((n, ph) => n + ph.acks, 0);
  // ...which the old one releases once it has flushed.
  const t0 = Date.now();
  old.child.kill('SIGTERM');
  const r = await old.exited;
  old.child = null;
  assert.deepEqual(r, { code: 0, signal: null }, old.output());
  assert.ok(Date.now() - t0 < 5000, 'the old process stopped within 5 s');
  await starting;

  // Every phone comes back, to the new process, and votes again there.
  const marks = phones.map((ph) => ph.acks);
  await until('every phone voting on the new process', () => phones.every((ph, i) => ph.acks >= marks[i] + 2), 30000);
  assert.equal(phones.filter((ph) => ph.byes.includes('restart')).length, PHONES, 'every phone was told "restart"');
  for (const ph of phones) ph.stopped = true;
  await Promise.all(phones.map((ph) => ph.stop()));
  await Promise.all(runs);
  await next.stop();

  const refused = phones.flatMap((ph) => ph.errors);
  assert.deepEqual(refused, [], 'no vote was refused');
  // The new socket shared the port before the old one closed: no phone
  // found the port closed while reconnecting.
  const failedConnects = phones.reduce((n, ph) => n + ph.refused, 0);
  assert.equal(failedConnects, 0, `connection attempts that failed during the handover: ${failedConnects}`);
  // The new process opened the file only after the old one released it.
  const released = old.stderr.match(/ts=(\S+) level=info msg="stopping: data file flushed and released"/);
  const serving = next.stderr.match(/ts=(\S+) level=info msg=serving /);
  assert.ok(released && serving && serving[1] >= released[1], `${old.stderr}\n${next.stderr}`);
  const flushed = old.stderr.match(/msg="stopping: data file flushed and released" ms=(\d+)/)[1];
  const gap = Date.parse(serving[1]) - Date.parse(released[1]);
  t.diagnostic(`${phones.reduce((n, ph) => n + ph.acks, 0)} acks, ${acksAtHandover} before the handover; old flushed and released the file ${flushed} ms ` +
    `after SIGTERM; the new one served ${gap} ms after that; 0 connections refused, 0 acks lost`);
  const lost = await acksLost(next.data, CODE, 'q1', phones);
  const total = phones.reduce((n, ph) => n + ph.acks, 0);
  assert.deepEqual(lost, [], `acks lost: ${lost.length} (of ${total} acknowledged, ${acksAtHandover} before the handover)`);
  assert.match(old.stderr, /msg="stopping: data file flushed and released"/);
});

test('without --reuse-port a second server on the port is refused with a hint', async () => {
  const first = new Server();
  await first.start();
  try {
    const r = await runCli(['serve', '--host', '127.0.0.1', '--port', String(first.port), '--data',
      path.join(tempDir(), 'other.db'), deck('basic.md')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^handsup: port \d+ is in use .*--reuse-port/m);
  } finally {
    await first.stop();
  }
});
