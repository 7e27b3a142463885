// cluster-node-kill.test.mjs -- kill -9 of one node under voting phones (DESIGN.md
// section 12): 160 phones with tokens spread over nodes A and B vote and
// change their votes; node A is killed with SIGKILL; its phones come back on
// node B with their tokens (as they would through the balancer), each keeps
// its identity and its vote (myVote is its last acked choice or one sent
// after it), and votes go on on B. Then the archive of Redis holds every
// acknowledged vote and B's results.json equals it. The time for all of A's
// phones to be back on B is measured (docs/cluster.md "Failure modes").
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { Client, deck, joinPresenter, pool, sleep, tempDir } from './lib.mjs';
import { haveSqlite3 } from './durable-lib.mjs';
import {
  Voter, archive, checkVotes, readArchive, skipWithoutRedis, startCluster, voteLoop, within,
} from './cluster-lib.mjs';

const N = 160;
const CODE = '31415926';   // decks/durable-crash.md
const POLLS = ['c1', 'c2', 'c3'];

// A phone whose connection died: joins node with its token, checks what
// comes back, and returns when it has its state.
async function comeBack(node, v, problems) {
  const c = await Client.connect(node, { label: `${v.label}@B`, timeoutMs: 10000 });
  c.send({ type: 'join', code: CODE, participant: v.token });
  const welcome = await c.next(['welcome', 'error'], null, 10000);
  if (welcome.type !== 'welcome') return problems.push(`${v.label}: rejoin refused ${JSON.stringify(welcome)}`);
  const state = await c.next('state', null, 10000);
  const anyAck = [...v.polls.values()].some((p) => p.acked);
  if (anyAck && welcome.participant !== v.token) problems.push(`${v.label}: had acknowledged votes on A, got a new token on B`);
  if (welcome.participant === v.token && state.poll) {
    const p = v.poll(state.poll.id);
    const ok = v.allowed(state.poll.id);
    if (!p.acked) ok.add(null);
    if (!ok.has(state.myVote ?? null)) problems.push(`${v.label}: myVote ${state.myVote} on B, acked ${p.acked}, unanswered [${[...p.pending.values()]}]`);
  }
  if (welcome.participant !== v.token) v.polls.clear();
  v.token = welcome.participant;
  v.c = c;
  return undefined;
}

test(`kill -9 of node A under ${N} voting phones: they come back on node B with their votes`, { skip: skipWithoutRedis }, async (t) => {
  assert.ok(await haveSqlite3(), 'the sqlite3 shell reads the archive');
  const cl = await startCluster({ n: 2, decks: [deck('durable-crash.md')] });
  const [A, B] = cl.nodes;
  const problems = [];
  try {
    const voters = Array.from({ length: N }, (_, i) => new Voter(i));
    const onA = voters.filter((v) => v.i % 2 === 0);
    await pool(voters, 40, async (v) => {
      const node = v.i % 2 === 0 ? A : B;
      const c = await Client.connect(node, { label: v.label, timeoutMs: 10000 });
      c.send({ type: 'join', code: CODE });
      v.token = (await c.next('welcome', null, 10000)).participant;
      await c.next('state', null, 10000);
      v.c = c;
    });
    const { c: p } = await joinPresenter(B, CODE);
    if (p.latest.state.poll.status !== 'open') {
      p.send({ type: 'open' });
      await p.next('state', (s) => s.poll.status === 'open');
    }
    const stats = { sent: 0, acked: 0, closed: 0, failed: 0 };
    let stopping = false;
    const loops = voters.map((v) => voteLoop(v, stats, problems, { stop: () => stopping }));
    await sleep(600);
    assert.ok(stats.acked > 0, 'votes were acknowledged before the kill');
    const ackedBefore = stats.acked;
    await A.kill();
    const killedAt = Date.now();
    // Each phone of A comes back on B as soon as its connection drops.
    const backAt = [];
    const returns = onA.map(async (v) => {
      const old = v.c;
      await within(old.closed, 10000, `${v.label}: still connected 10 s after A's kill`);
      await loops[v.i];
      await comeBack(B, v, problems);
      backAt.push(Date.now() - killedAt);
      loops[v.i] = voteLoop(v, stats, problems, { stop: () => stopping });
    });
    await within(Promise.all(returns), 20000, 'phones of A not all back on B within 20 s');
    const allBack = Math.max(...backAt);
    await sleep(500);
    stopping = true;
    await Promise.all(loops);
    for (const v of voters) v.c.close();
    t.diagnostic(`${onA.length} phones of A all back on B ${allBack} ms after the kill; votes ${JSON.stringify(stats)}, ${ackedBefore} acked before it`);
    assert.ok(stats.acked > ackedBefore, 'votes acknowledged on B after the kill');
    assert.ok(allBack < 10000, `phones back on B within 10 s (took ${allBack} ms)`);

    await sleep(100);
    const db = path.join(tempDir('handsup-cluster-nodekill-'), 'archive.db');
    await archive(cl.redis.url, db);
    const file = await readArchive(db, CODE, POLLS, problems);
    checkVotes(voters, file, POLLS, problems);
    assert.equal(file.participants, N, 'one participant per phone, none doubled by the move');
    const r = await B.get(`/api/sessions/${CODE}/results.json`, { Authorization: `Bearer ${B.key}` });
    const s = JSON.parse(r.body).sessions.find((x) => x.code === CODE);
    for (const poll of POLLS) {
      const got = s.polls.find((x) => x.id === poll);
      assert.deepEqual(got.counts, file.counts[poll], `results.json on B, ${poll}, equals the archive`);
    }
    // The last tally after the votes stopped is exact (coalesced every 50 ms).
    await sleep(300);
    const tally = p.latest.tally;
    assert.deepEqual(tally.counts, file.counts[tally.poll], 'the tally on B equals the archive');
    assert.equal(tally.participants, N);
    p.close();
    assert.deepEqual(problems, []);
    // A comes back and serves the same room.
    await A.restart();
    const again = await Client.connect(A, { label: 'back-on-A' });
    again.send({ type: 'join', code: CODE, participant: voters[1].token });
    assert.equal((await again.next('welcome')).participant, voters[1].token, 'a phone of B is known to the restarted A');
    again.close();
    await cl.stop();
  } finally {
    await cl.kill();
  }
});
