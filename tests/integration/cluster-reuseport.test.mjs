// cluster-reuseport.test.mjs -- two nodes on one machine share one port with
// --reuse-port (DESIGN.md section 12: handsup owns the SO_REUSEPORT listening
// socket and adopts accepted connections into lws): both start, the kernel
// spreads connections over both (some connections die with node A's kill -9,
// the others stay, on B), a vote through the shared port from either node is
// in the same room, and the port keeps answering after A's kill.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CODE, Client, SLIDE, command, joinAttendee, joinPresenter, pool, sleep } from './lib.mjs';
import { skipWithoutRedis, startCluster, within } from './cluster-lib.mjs';

const CONNS = 40;

// A phone votes once its own node shows q1 open, as the page does (a node
// learns of a move made on another node milliseconds later).
async function whenOpen(c, poll = 'q1') {
  const open = (s) => s?.poll?.id === poll && s.poll.status === 'open';
  if (!open(c.latest.state)) await c.next('state', open, 5000);
}

test('two nodes on one port with --reuse-port: both serve it, one room', { skip: skipWithoutRedis }, async (t) => {
  const cl = await startCluster({ n: 2, reusePort: true });
  const [A, B] = cl.nodes;
  try {
    assert.equal(A.port, B.port);
    await sleep(300);
    for (const node of [A, B]) assert.equal(node.child?.exitCode, null, `${node.label} is running\n${node.output()}`);
    const { c: p } = await joinPresenter(A);
    await command(p, { type: 'goto', slide: SLIDE.q1 }, (s) => s.poll?.status === 'open');
    const phones = await pool(Array.from({ length: CONNS }, (_, i) => i), 10, async (i) => {
      const { c, welcome } = await joinAttendee(A, CODE, { label: `phone${i}` });
      await whenOpen(c);
      await c.vote('q1', i % 2 ? 'yes' : 'no');
      return { c, token: welcome.participant, choice: i % 2 ? 'yes' : 'no' };
    });
    const tl = await p.next('tally', (x) => x.voters === CONNS, 5000);
    assert.deepEqual(tl.counts, { yes: CONNS / 2, no: CONNS / 2 }, 'one room whichever node took the connection');
    // Which node holds which connection shows when one dies.
    p.close();
    await A.kill();
    await sleep(1000);
    const dead = phones.filter((ph) => ph.c.closeInfo);
    t.diagnostic(`${dead.length} of ${CONNS} connections were on node A`);
    assert.ok(dead.length > 0, 'node A accepted some connections on the shared port');
    assert.ok(dead.length < CONNS, 'node B accepted some connections on the shared port');
    // The port still answers (B alone), and the phones of A come back there.
    assert.equal((await B.get('/healthz')).status, 200);
    await within(Promise.all(dead.map(async (ph) => {
      const again = await joinAttendee(B, CODE, { participant: ph.token, label: 'again' });
      assert.equal(again.welcome.participant, ph.token);
      assert.equal(again.state.myVote, ph.choice);
      again.c.close();
    })), 10000, 'phones of A back on the shared port');
    for (const ph of phones) ph.c.close();
    // A starts again on the port B holds.
    await A.restart();
    const both = new Set();
    for (let i = 0; i < 20; i++) {
      const c = await Client.connect(A, { label: `probe${i}` });
      both.add(c);
    }
    await B.kill();
    await sleep(500);
    const survived = [...both].filter((c) => !c.closeInfo).length;
    assert.ok(survived > 0 && survived < 20, `after A's restart both share the port again (${survived} of 20 on A)`);
    for (const c of both) c.close();
    await A.stop();
    await cl.redis.stop();
  } finally {
    await cl.kill();
  }
});
