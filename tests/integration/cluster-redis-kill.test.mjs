// cluster-redis-kill.test.mjs -- redis-server killed with -9 in the middle of
// a burst of votes through two nodes, restarted on the same folder and port
// (its AOF, fsync always), in several rounds. After each:
//   - every acknowledged vote is in Redis (read back through the archive,
//     `handsup export --redis URL --data FILE --format sqlite`), and nothing
//     stored was never sent (the checks of crash.test.mjs);
//   - no false ack: no vote is acknowledged while Redis is down (an ack
//     arriving later than 250 ms after the kill and before the restart);
//   - the nodes reconnect by themselves and phones vote again (time measured);
//   - tokens and myVote come back from the restarted Redis on either node.
// HANDSUP_CLUSTER_REDIS_KILLS (default 4) sets the number of kills.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { deck, joinPresenter, pool, sleep, tempDir } from './lib.mjs';
import { haveSqlite3 } from './durable-lib.mjs';
import {
  Voter, archive, checkVotes, readArchive, rejoin, rng, skipWithoutRedis, startCluster, voteLoop,
} from './cluster-lib.mjs';

const KILLS = Number(process.env.HANDSUP_CLUSTER_REDIS_KILLS || 4);
const N = 60;
const SEED = Number(process.env.HANDSUP_CLUSTER_CRASH_SEED || Math.floor(Math.random() * 2 ** 31));
const CODE = '31415926';   // decks/durable-crash.md
const POLLS = ['c1', 'c2', 'c3'];
const DOWN_MS = 1500;
const MARGIN_MS = 250;

test(`${KILLS} kill -9 rounds of redis-server mid-burst: every acked vote kept, no false ack (seed ${SEED})`,
  { skip: skipWithoutRedis }, async (t) => {
    assert.ok(await haveSqlite3(), 'the sqlite3 shell reads the archive');
    const random = rng(SEED);
    const dir = tempDir('handsup-cluster-rkill-');
    const cl = await startCluster({ n: 2, decks: [deck('durable-crash.md')] });
    const voters = Array.from({ length: N }, (_, i) => new Voter(i));
    let file = null;
    const back = [];
    try {
      for (let round = 0; round < KILLS; round++) {
        const problems = [];
        await pool(voters, 30, (v) => rejoin(cl.nodes[(v.i + round) % 2], v, file, CODE, problems));
        const { c: p } = await joinPresenter(cl.nodes[round % 2], CODE);
        const slide = round % POLLS.length;
        if (p.latest.state.slide.index !== slide) {
          p.send({ type: 'goto', slide });
          await p.next('state', (s) => s.slide.index === slide);
        }
        if (p.latest.state.poll.status !== 'open') {
          p.send({ type: 'open' });
          await p.next('state', (s) => s.poll.status === 'open');
        }
        const stats = { sent: 0, acked: 0, closed: 0, failed: 0 };
        let stopping = false;
        let killedAt = Infinity;
        let restartedAt = Infinity;
        let firstAckAfter = Infinity;
        const falseAcks = [];
        const onAnswer = (m, now) => {
          if (m.type !== 'ack') return;
          if (now > killedAt + MARGIN_MS && now < restartedAt) falseAcks.push({ ...m, afterKill: now - killedAt });
          if (now > restartedAt) firstAckAfter = Math.min(firstAckAfter, now);
        };
        const loops = voters.map((v) => voteLoop(v, stats, problems, { seed: random.int(1, 2 ** 31), pause: [50, 80], stop: () => stopping, onAnswer }));
        await sleep(random.int(100, 400));
        for (const end = Date.now() + 5000; stats.acked === 0 && Date.now() < end;) await sleep(5);
        const ackedBefore = stats.acked;
        await cl.redis.kill();
        killedAt = Date.now();
        await sleep(DOWN_MS);
        await cl.redis.start();
        restartedAt = Date.now();
        // Served again: acks resume on both nodes' phones.
        for (const end = Date.now() + 15000; firstAckAfter === Infinity && Date.now() < end;) await sleep(20);
        await sleep(300);
        stopping = true;
        await Promise.all(loops);
        p.close();
        for (const v of voters) v.c.close();
        assert.ok(ackedBefore > 0, `round ${round}: no vote acked before the kill`);
        assert.ok(firstAckAfter !== Infinity, `round ${round}: no vote acked within 15 s of Redis's restart\n${cl.nodes[0].stderr}`);
        back.push(firstAckAfter - restartedAt);
        assert.deepEqual(falseAcks.slice(0, 5), [], `round ${round}: votes acknowledged while Redis was down`);
        const db = path.join(dir, `round${round}.db`);
        await archive(cl.redis.url, db);
        file = await readArchive(db, CODE, POLLS, problems);
        checkVotes(voters, file, POLLS, problems);
        assert.deepEqual(problems, [], `round ${round} (${JSON.stringify(stats)}, seed ${SEED})`);
        t.diagnostic(`round ${round}: ${JSON.stringify(stats)}; first ack ${firstAckAfter - restartedAt} ms after the restart`);
      }
      const problems = [];
      await pool(voters, 30, (v) => rejoin(cl.nodes[v.i % 2], v, file, CODE, problems));
      for (const v of voters) v.c.close();
      assert.deepEqual(problems, [], 'tokens and myVote after the last restart');
      t.diagnostic(`first ack after Redis's restart, ms: ${back.join(', ')}`);
      await cl.stop();
    } finally {
      await cl.kill();
    }
  });
