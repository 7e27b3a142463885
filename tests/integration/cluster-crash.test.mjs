// cluster-crash.test.mjs -- the cluster twin of crash.test.mjs: two nodes on
// one Redis (AOF, fsync always), attendees with tokens spread over both nodes
// voting and changing votes on an open poll, and in every round one node (A or
// B at random) killed with SIGKILL at a random moment while votes are in
// flight. The other node's attendees then finish their vote in flight and stop,
// and Redis is read back through its archive (`handsup export --redis URL
// --data FILE --format sqlite`), with the same checks as the SQLite twin:
//   - the archive is a whole SQLite file, at most one row per participant/poll;
//   - every acknowledged vote is there: the row of a participant and poll is
//     the last acknowledged choice, or one sent after it that got no answer
//     (or got store_failed);
//   - a token is restored on rejoin (on either node) exactly when its hash is
//     in the archive, and myVote is the stored row;
//   - the tally on both nodes and results.json equal the stored rows.
// Then the killed node is restarted and the next round spreads everyone again.
//
// HANDSUP_CLUSTER_CRASH_ROUNDS (default 20) sets the number of kills (a soak
// run: HANDSUP_CLUSTER_CRASH_ROUNDS=500), HANDSUP_CLUSTER_CRASH_CLIENTS
// (default 100) the attendees, HANDSUP_CLUSTER_CRASH_SEED the random seed
// (printed, so a failure can be replayed).
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { deck, joinPresenter, pool, sleep, tempDir } from './lib.mjs';
import { haveSqlite3 } from './durable-lib.mjs';
import {
  Voter, archive, checkVotes, readArchive, rejoin, rng, skipWithoutRedis, startCluster, voteLoop, within,
} from './cluster-lib.mjs';

const ROUNDS = Number(process.env.HANDSUP_CLUSTER_CRASH_ROUNDS || 20);
const N = Number(process.env.HANDSUP_CLUSTER_CRASH_CLIENTS || 100);
const SEED = Number(process.env.HANDSUP_CLUSTER_CRASH_SEED || Math.floor(Math.random() * 2 ** 31));
const CODE = '31415926';                 // decks/durable-crash.md
const POLLS = ['c1', 'c2', 'c3'];
const KILL_MIN_MS = 50;
const KILL_MAX_MS = 400;

const random = rng(SEED);
const dir = tempDir('handsup-cluster-crash-');

// Tally on each node and results.json against the archive's rows.
async function checkCounts(node, file, problems, round) {
  const { c: p } = await joinPresenter(node, CODE, node.key, { label: `presenter@${node.label}` });
  const tally = await p.next('tally', null, 10000);
  const want = file.counts[tally.poll];
  if (!want) problems.push(`round ${round}: tally for unknown poll ${JSON.stringify(tally)}`);
  else if (tally.counts.yes !== want.yes || tally.counts.no !== want.no || tally.voters !== want.yes + want.no) {
    problems.push(`round ${round}: tally on ${node.label} ${JSON.stringify(tally)} but the archive holds ${JSON.stringify(want)}`);
  } else if (tally.participants !== file.participants) {
    problems.push(`round ${round}: tally.participants on ${node.label} ${tally.participants}, the archive holds ${file.participants}`);
  }
  p.close();
  const r = await node.get(`/api/sessions/${CODE}/results.json`, { Authorization: `Bearer ${node.key}` });
  if (r.status !== 200) return problems.push(`round ${round}: results.json on ${node.label} answered ${r.status}`);
  const s = JSON.parse(r.body).sessions.find((x) => x.code === CODE);
  for (const poll of POLLS) {
    const got = s?.polls.find((x) => x.id === poll);
    const w = file.counts[poll];
    if (!got || got.counts.yes !== w.yes || got.counts.no !== w.no || got.voters !== w.yes + w.no) {
      problems.push(`round ${round}: results.json on ${node.label} ${poll} ${JSON.stringify(got && got.counts)}, archive ${JSON.stringify(w)}`);
    }
  }
  return undefined;
}

async function presentPoll(presenter, slide) {
  const st = presenter.latest.state;
  if (!st || st.slide.index !== slide) {
    presenter.send({ type: 'goto', slide });
    await presenter.next('state', (s) => s.slide.index === slide);
  }
  if (presenter.latest.state.poll.status !== 'open') {
    presenter.send({ type: 'open' });
    await presenter.next('state', (s) => s.slide.index === slide && s.poll.status === 'open');
  }
}

test(`${ROUNDS} SIGKILL rounds of one of two nodes under ${N} voting attendees lose no acknowledged vote (seed ${SEED})`,
  { skip: skipWithoutRedis }, async (t) => {
    assert.ok(await haveSqlite3(), 'the sqlite3 shell reads the archive: apt-get install sqlite3');
    t.diagnostic(`seed ${SEED} (HANDSUP_CLUSTER_CRASH_SEED replays it), ${ROUNDS} rounds, ${N} attendees`);
    const cl = await startCluster({ n: 2, decks: [deck('durable-crash.md')] });
    const voters = Array.from({ length: N }, (_, i) => new Voter(i));
    const totals = { sent: 0, acked: 0, closed: 0, failed: 0 };
    let file = null;
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const problems = [];
        // Everyone comes back, each on a node drawn at random.
        const at = new Map(voters.map((v) => [v, cl.nodes[random.int(0, 1)]]));
        await pool(voters, 50, (v) => rejoin(at.get(v), v, file, CODE, problems));
        const { c: presenter } = await joinPresenter(cl.nodes[random.int(0, 1)], CODE);
        await presentPoll(presenter, random.int(0, POLLS.length - 1));
        const stats = { sent: 0, acked: 0, closed: 0, failed: 0 };
        let stopping = false;
        const loops = voters.map((v) => voteLoop(v, stats, problems, { seed: random.int(1, 2 ** 31), stop: () => stopping }));
        const killAt = random.int(KILL_MIN_MS, KILL_MAX_MS);
        if (random() < 0.5) {
          const moveAt = random.int(0, killAt);
          await sleep(moveAt);
          let next = random.int(0, POLLS.length - 2);
          if (next >= presenter.latest.state.slide.index) next++;
          presenter.send({ type: 'goto', slide: next });
          presenter.send({ type: 'open' });
          await sleep(killAt - moveAt);
        } else {
          await sleep(killAt);
        }
        for (const end = Date.now() + 5000; stats.acked === 0 && Date.now() < end;) await sleep(5);
        const victim = cl.nodes[random.int(0, 1)];
        await victim.kill();
        const onVictim = voters.filter((v) => at.get(v) === victim);
        await within(Promise.all(onVictim.map((v) => v.c.closed)), 10000, `attendees of ${victim.label} still connected 10 s after its kill`);
        // The survivors finish the vote in flight, then stop.
        stopping = true;
        await Promise.all(loops);
        for (const v of voters) v.c.close();
        presenter.close();
        for (const k of Object.keys(totals)) totals[k] += stats[k] || 0;
        assert.ok(stats.acked > 0, `round ${round}: no vote acknowledged in ${killAt} ms and 5 s more`);
        // Requests a killed node had already written to Redis run there
        // even though the node is gone; give them a moment.
        await sleep(100);

        const db = path.join(dir, `round${round}.db`);
        await archive(cl.redis.url, db);
        file = await readArchive(db, CODE, POLLS, problems);
        checkVotes(voters, file, POLLS, problems);
        await victim.restart();
        for (const node of cl.nodes) await checkCounts(node, file, problems, round);
        assert.deepEqual(problems, [], `round ${round} (${victim.label} killed after ${killAt} ms, ${JSON.stringify(stats)}, seed ${SEED})\n${victim.stderr}`);
      }
      // The last look: everyone rejoins once more against the last archive.
      const problems = [];
      await pool(voters, 50, (v) => rejoin(cl.nodes[v.i % 2], v, file, CODE, problems));
      for (const v of voters) v.c.close();
      assert.deepEqual(problems, [], `after the last round (seed ${SEED})`);
      t.diagnostic(`votes sent ${totals.sent}, acknowledged ${totals.acked}, refused as closed ${totals.closed}, store_failed ${totals.failed}`);
      await cl.stop();
    } finally {
      await cl.kill();
    }
  });
