// cluster-redis-stop.test.mjs -- Redis unreachable for 5 s under two nodes
// (DESIGN.md section 12, docs/cluster.md "Failure modes"):
//   - frozen (SIGSTOP: the connection stays open, nothing is answered): every
//     vote is answered store_failed within about --redis-timeout (default
//     1000 ms; node B runs with 300), never acked; pages are still served;
//     after SIGCONT votes are acked again;
//   - killed (connections refused) and restarted 5 s later on the same AOF:
//     the same, and the nodes reconnect by themselves.
// Every vote acked before, between and after is in the export; the refused
// ones may or may not be.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { CODE, SLIDE, command, joinAttendee, joinPresenter, sleep } from './lib.mjs';
import { Node, exportJson, skipWithoutRedis, startRedis } from './cluster-lib.mjs';

const OUTAGE_MS = 5000;
const TIMEOUT_B = 300;
let redis;
let A;
let B;
let presenter;
const acked = new Map();  // token -> last acked choice on q1

before(async () => {
  if (skipWithoutRedis) return;
  redis = await startRedis();
  A = await new Node({ redis, label: 'nodeA' }).start();
  B = await new Node({ redis, label: 'nodeB', args: ['--redis-timeout', String(TIMEOUT_B)] }).start();
  ({ c: presenter } = await joinPresenter(A));
  await command(presenter, { type: 'goto', slide: SLIDE.q1 }, (s) => s.poll?.id === 'q1' && s.poll.status === 'open');
});

after(async () => {
  if (redis?.stopped) redis.resume();
  await A?.stop();
  await B?.stop();
  await redis?.stop();
});

// Sends one vote; resolves { m, ms }.
async function voteTimed(ph, choice, timeoutMs = 15000) {
  const t0 = performance.now();
  const id = ph.c.request({ type: 'vote', poll: 'q1', choice });
  const m = await ph.c.next(['ack', 'error'], (x) => x.id === id, timeoutMs);
  if (m.type === 'ack') acked.set(ph.token, choice);
  return { m, ms: Math.round(performance.now() - t0) };
}

async function phone(node, label) {
  const { c, welcome } = await joinAttendee(node, CODE, { label });
  // A phone votes once its own node shows the poll open (a node learns of
  // the presenter's move on another node milliseconds later).
  const open = (s) => s?.poll?.id === 'q1' && s.poll.status === 'open';
  if (!open(c.latest.state)) await c.next('state', open, 5000);
  return { c, token: welcome.participant, node };
}

// Votes on each phone every 400 ms during the outage: every answer must be
// store_failed, within the node's timeout and some slack for this 2-core
// machine. Returns the answer times.
async function duringOutage(phones, limits, what) {
  const times = {};
  const end = Date.now() + OUTAGE_MS - 1500;
  let k = 0;
  while (Date.now() < end) {
    const answers = await Promise.all(phones.map((ph) => voteTimed(ph, k % 2 ? 'yes' : 'no')));
    for (const [i, { m, ms }] of answers.entries()) {
      const ph = phones[i];
      assert.equal(m.type, 'error', `${what}: a vote on ${ph.node.label} was acked while Redis was unreachable: ${JSON.stringify(m)}`);
      assert.equal(m.code, 'store_failed', `${what}: ${JSON.stringify(m)}`);
      assert.ok(ms <= limits[ph.node.label], `${what}: store_failed on ${ph.node.label} after ${ms} ms, limit ${limits[ph.node.label]} ms`);
      (times[ph.node.label] ||= []).push(ms);
    }
    k++;
    await sleep(400);
  }
  return times;
}

// After the outage: each phone's vote is acked again; returns ms until then.
async function servedAgain(phones, since, limitMs) {
  const out = {};
  await Promise.all(phones.map(async (ph) => {
    for (;;) {
      const { m } = await voteTimed(ph, 'yes');
      if (m.type === 'ack') break;
      assert.equal(m.code, 'store_failed', JSON.stringify(m));
      assert.ok(Date.now() - since < limitMs, `${ph.node.label}: votes still refused ${limitMs} ms after Redis came back`);
      await sleep(100);
    }
    out[ph.node.label] = Date.now() - since;
  }));
  return out;
}

async function pagesServed() {
  for (const node of [A, B]) {
    const r = await node.get(`/j/${CODE}`);
    assert.equal(r.status, 200, `${node.label}: the attendee page while Redis is unreachable`);
  }
}

async function checkExport(what) {
  const doc = await exportJson(redis.url, CODE);
  const q1 = doc.sessions.find((s) => s.code === CODE).polls.find((p) => p.id === 'q1');
  const want = { yes: 0, no: 0 };
  for (const c of acked.values()) want[c]++;
  // The last acks of every phone were 'yes' after the outage: exact.
  assert.deepEqual(q1.counts, want, `${what}: export counts equal the acknowledged votes`);
}

test('Redis frozen (SIGSTOP) for 5 s: store_failed within the timeout, pages stay, then served again', { skip: skipWithoutRedis }, async (t) => {
  const phones = [await phone(A, 'a1'), await phone(B, 'b1')];
  for (const ph of phones) {
    const { m } = await voteTimed(ph, 'yes');
    assert.equal(m.type, 'ack', `voting works before: ${JSON.stringify(m)}`);
  }
  redis.pause();
  const frozenAt = Date.now();
  let times;
  try {
    times = await duringOutage(phones, { nodeA: 1000 + 1000, nodeB: TIMEOUT_B + 700 }, 'Redis frozen');
    await pagesServed();
    await sleep(Math.max(0, frozenAt + OUTAGE_MS - Date.now()));
  } finally {
    redis.resume();
  }
  const back = await servedAgain(phones, Date.now(), 10000);
  t.diagnostic(`frozen: store_failed after ms ${JSON.stringify(times)}; acked again after SIGCONT in ms ${JSON.stringify(back)}`);
  assert.ok(times.nodeA?.length && times.nodeB?.length, 'both nodes answered during the outage');
  await checkExport('after the freeze');
  for (const ph of phones) ph.c.close();
});

test('Redis killed for 5 s and restarted on its AOF: store_failed, pages stay, nodes reconnect', { skip: skipWithoutRedis }, async (t) => {
  const phones = [await phone(A, 'a2'), await phone(B, 'b2')];
  for (const ph of phones) {
    const { m } = await voteTimed(ph, 'no');
    assert.equal(m.type, 'ack', `voting works before: ${JSON.stringify(m)}`);
  }
  await redis.kill();
  const killedAt = Date.now();
  const times = await duringOutage(phones, { nodeA: 1000 + 1000, nodeB: TIMEOUT_B + 700 }, 'Redis down');
  await pagesServed();
  await sleep(Math.max(0, killedAt + OUTAGE_MS - Date.now()));
  await redis.start();
  const back = await servedAgain(phones, Date.now(), 10000);
  t.diagnostic(`down: store_failed after ms ${JSON.stringify(times)}; acked again after the restart in ms ${JSON.stringify(back)}`);
  // The presenter, connected to A throughout, still drives the room.
  await command(presenter, { type: 'close' }, (s) => s.poll?.status === 'closed', 10000);
  await phones[1].c.next('state', (s) => s.poll?.status === 'closed', 10000);
  await command(presenter, { type: 'open' }, (s) => s.poll?.status === 'open', 10000);
  await checkExport('after the restart');
  for (const ph of phones) ph.c.close();
});
