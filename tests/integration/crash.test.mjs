// crash.test.mjs -- kill -9 rounds: the real server under 200 attendees with
// tokens voting and changing votes on an open poll, killed with SIGKILL at a
// random moment while votes are in flight, then checked through the data
// file itself (sqlite3 shell) and, after the restart, through the presenter's
// tally and results.json.  One data file lives through every round.
//
// What must hold after every kill (docs/storage.md, "Durability"):
//   - PRAGMA integrity_check is ok and no foreign key is broken;
//   - every acknowledged vote is in the file: the row of a participant and
//     poll is the last acknowledged choice, or a choice sent after it that
//     got no answer (it may have committed before the kill);
//   - at most one row per participant per poll;
//   - a token is restored on rejoin exactly when its hash is in the file,
//     and the restored myVote is the stored row;
//   - after the restart the tally and results.json equal the stored rows.
//
// HANDSUP_CRASH_ROUNDS (default 20) sets the number of kills for soak runs,
// HANDSUP_CRASH_CLIENTS (default 200) the attendees, HANDSUP_CRASH_SEED the
// random seed (printed, so a failure can be replayed).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { Client, Server, deck, joinPresenter, pool, sleep, tempDir } from './lib.mjs';
import { Voter, haveSqlite3, rng, sql, tokenHash } from './durable-lib.mjs';

const ROUNDS = Number(process.env.HANDSUP_CRASH_ROUNDS || 20);
const N = Number(process.env.HANDSUP_CRASH_CLIENTS || 200);
const SEED = Number(process.env.HANDSUP_CRASH_SEED || Math.floor(Math.random() * 2 ** 31));
const CODE = '31415926';                 // decks/durable-crash.md
const POLLS = ['c1', 'c2', 'c3'];        // slides 0, 1, 2
const KILL_MIN_MS = 50;
const KILL_MAX_MS = 400;
// Between votes: the server allows a burst of 40 messages and 20 a second
// per connection; 20-60 ms keeps every attendee inside that budget.
const PAUSE_MIN_MS = 20;
const PAUSE_MAX_MS = 60;

const random = rng(SEED);
const dir = tempDir('handsup-crash-');
const data = path.join(dir, 'crash.db');

// The data file as it is now: participants' hashes, rows keyed by
// hash/poll, and counts per poll.
async function readFile(problems) {
  const integrity = await sql(data, 'PRAGMA integrity_check');
  if (integrity.length !== 1 || integrity[0].integrity_check !== 'ok') {
    problems.push(`integrity_check: ${JSON.stringify(integrity)}`);
  }
  const fk = await sql(data, 'PRAGMA foreign_key_check');
  if (fk.length) problems.push(`foreign_key_check: ${JSON.stringify(fk.slice(0, 5))}`);
  const dup = await sql(data, `SELECT run_id, poll_id, participant, COUNT(*) AS n FROM votes
    GROUP BY run_id, poll_id, participant HAVING n > 1`);
  if (dup.length) problems.push(`more than one vote per participant and poll: ${JSON.stringify(dup.slice(0, 5))}`);

  // The session's state lives in its run (schema 3): the newest one.
  const sid = `(SELECT r.id FROM runs r JOIN sessions s ON s.id = r.session_id WHERE s.code = '${CODE}'
    ORDER BY r.number DESC LIMIT 1)`;
  const people = await sql(data, `SELECT hex(token_hash) AS h FROM participants WHERE run_id = ${sid}`);
  const rows = await sql(data, `SELECT hex(p.token_hash) AS h, v.poll_id AS poll, v.choice AS choice
    FROM votes v LEFT JOIN participants p ON p.run_id = v.run_id AND p.idx = v.participant
    WHERE v.run_id = ${sid}`);
  const counts = await sql(data, `SELECT poll_id AS poll, choice, COUNT(*) AS n FROM votes
    WHERE run_id = ${sid} GROUP BY poll_id, choice`);
  const byPoll = Object.fromEntries(POLLS.map((p) => [p, { yes: 0, no: 0 }]));
  for (const r of counts) {
    if (!byPoll[r.poll] || !(r.choice in byPoll[r.poll])) problems.push(`unexpected stored vote ${JSON.stringify(r)}`);
    else byPoll[r.poll][r.choice] = r.n;
  }
  const row = new Map();
  for (const r of rows) {
    if (r.h === null || r.h === undefined) problems.push(`a vote without its participant: ${JSON.stringify(r)}`);
    row.set(`${r.h}/${r.poll}`, r.choice);
  }
  return { hashes: new Set(people.map((p) => p.h)), row, counts: byPoll, participants: people.length };
}

// Checks every voter's acknowledged votes against the rows.
function checkVotes(voters, file, problems) {
  const known = new Map(voters.filter((v) => v.token).map((v) => [tokenHash(v.token), v]));
  for (const key of file.row.keys()) {
    const h = key.split('/')[0];
    if (!known.has(h)) problems.push(`a stored vote of a participant no attendee holds the token of: ${key}`);
  }
  for (const v of voters) {
    if (!v.token) continue;
    const h = tokenHash(v.token);
    for (const poll of POLLS) {
      const p = v.poll(poll);
      const stored = file.row.get(`${h}/${poll}`);
      const allowed = v.allowed(poll);
      const what = `${v.label} ${poll}: acked ${p.acked}, unanswered since [${[...p.pending.values()]}], stored ${stored}`;
      if (stored === undefined) {
        if (p.acked) problems.push(`acknowledged vote lost: ${what}`);
      } else if (!allowed.has(stored)) {
        problems.push(`stored vote was never sent after the last ack: ${what}`);
      }
    }
    if (v.polls.size && [...v.polls.values()].some((p) => p.acked) && !file.hashes.has(h)) {
      problems.push(`${v.label}: has acknowledged votes but its participant row is missing`);
    }
  }
}

// After a restart: the presenter's first tally and results.json against the
// rows read from the file.
async function checkServerCounts(server, presenter, file, problems, round) {
  const tally = await presenter.next('tally');
  const want = file.counts[tally.poll];
  if (!want) {
    problems.push(`round ${round}: tally for unknown poll ${JSON.stringify(tally)}`);
  } else {
    if (tally.counts.yes !== want.yes || tally.counts.no !== want.no || tally.voters !== want.yes + want.no) {
      problems.push(`round ${round}: tally ${JSON.stringify(tally)} but the file holds ${JSON.stringify(want)}`);
    }
    if (tally.participants !== file.participants) {
      problems.push(`round ${round}: tally.participants ${tally.participants} but the file holds ${file.participants}`);
    }
  }
  const r = await server.get(`/api/sessions/${CODE}/results.json`, { Authorization: `Bearer ${server.key}` });
  if (r.status !== 200) {
    problems.push(`round ${round}: results.json answered ${r.status}: ${r.body}`);
    return;
  }
  const s = JSON.parse(r.body).sessions.find((x) => x.code === CODE);
  for (const poll of POLLS) {
    const got = s?.polls.find((x) => x.id === poll);
    const w = file.counts[poll];
    if (!got || got.counts.yes !== w.yes || got.counts.no !== w.no || got.voters !== w.yes + w.no) {
      problems.push(`round ${round}: results.json ${poll} ${JSON.stringify(got && { counts: got.counts, voters: got.voters })} but the file holds ${JSON.stringify(w)}`);
    }
  }
}

// Joins with the saved token; checks the token is restored exactly when the
// file knows it, and that myVote is the stored row.
async function rejoin(server, v, file, problems) {
  const c = await Client.connect(server, { label: v.label, timeoutMs: 10000 });
  const msg = { type: 'join', code: CODE };
  if (v.token) msg.participant = v.token;
  c.send(msg);
  const welcome = await c.next(['welcome', 'error'], null, 10000);
  assert.equal(welcome.type, 'welcome', `${v.label}: ${JSON.stringify(welcome)}`);
  const state = await c.next('state', null, 10000);
  if (v.token) {
    const stored = file.hashes.has(tokenHash(v.token));
    const restored = welcome.participant === v.token;
    if (stored !== restored) {
      problems.push(`${v.label}: token ${restored ? 'restored' : 'replaced'} but the file ${stored ? 'holds' : 'lacks'} it`);
    }
    if (!restored) v.polls.clear();  // a new identity: the old one never reached the file
  }
  v.token = welcome.participant;
  if (state.poll) {
    const want = file.row.get(`${tokenHash(v.token)}/${state.poll.id}`) ?? null;
    if ((state.myVote ?? null) !== want) {
      problems.push(`${v.label}: myVote ${state.myVote} on ${state.poll.id} after restart, the file holds ${want}`);
    }
  }
  v.c = c;
}

// Votes until the connection dies: one vote in flight at a time, on the
// poll the latest state shows open, a random choice each time.
async function voteLoop(v, stats, problems) {
  const c = v.c;
  const r = rng(random.int(1, 2 ** 31));
  while (!c.closeInfo) {
    const st = c.latest.state;
    if (!st?.poll || st.poll.status !== 'open') {
      await sleep(5);
      continue;
    }
    const poll = st.poll.id;
    const choice = r() < 0.5 ? 'yes' : 'no';
    let id;
    try {
      id = c.request({ type: 'vote', poll, choice });
    } catch {
      break;  // the socket is closing
    }
    const key = ++v.sent;
    v.poll(poll).pending.set(key, choice);
    stats.sent++;
    let m;
    try {
      m = await c.next(['ack', 'error'], (x) => x.id === id, 10000);
    } catch {
      break;  // killed with this vote in flight: it stays pending
    }
    const p = v.poll(poll);
    if (m.type === 'ack') {
      if (m.poll !== poll || m.choice !== choice) problems.push(`${v.label}: ack ${JSON.stringify(m)} for ${poll}=${choice}`);
      p.acked = choice;
      p.pending.clear();  // every earlier unanswered vote came before this one
      stats.acked++;
    } else {
      p.pending.delete(key);  // refused: nothing was recorded
      if (m.code === 'poll_closed') stats.closed++;
      else problems.push(`${v.label}: vote refused ${JSON.stringify(m)}`);
    }
    await sleep(r.int(PAUSE_MIN_MS, PAUSE_MAX_MS));
  }
}

// Resolves with promise, or rejects with message after ms.
function within(promise, ms, message) {
  let timer;
  const limit = new Promise((resolve, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

// Takes the presenter to poll slide `slide` and makes sure its poll is open.
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

test(`${ROUNDS} SIGKILL rounds under ${N} voting attendees lose no acknowledged vote (seed ${SEED})`, async (t) => {
  assert.ok(await haveSqlite3(), 'the sqlite3 shell is needed to read the data file: apt-get install sqlite3');
  t.diagnostic(`seed ${SEED} (HANDSUP_CRASH_SEED replays it), ${ROUNDS} rounds, ${N} attendees`);
  const voters = Array.from({ length: N }, (_, i) => new Voter(i));
  let file = { hashes: new Set(), row: new Map(), counts: Object.fromEntries(POLLS.map((p) => [p, { yes: 0, no: 0 }])), participants: 0 };
  const totals = { sent: 0, acked: 0, closed: 0 };

  for (let round = 0; round <= ROUNDS; round++) {
    const problems = [];
    const server = new Server({ decks: [deck('durable-crash.md')], data });
    await server.start();
    const { c: presenter } = await joinPresenter(server, CODE);
    if (round > 0) await checkServerCounts(server, presenter, file, problems, round);

    await pool(voters, 50, (v) => rejoin(server, v, file, problems));
    if (round === ROUNDS) {
      // The last restart only checks; then a clean stop leaves a whole file.
      await Promise.all([presenter.close(), ...voters.map((v) => v.c.close())]);
      await server.stop();
      assert.deepEqual(problems, [], `after the last restart (seed ${SEED})`);
      // Checked before sqlite3 opens the file: a reader may create the
      // -wal file again.
      assert.ok(!existsSync(`${data}-wal`), 'a clean stop checkpoints and removes the -wal file');
      const after = await sql(data, 'PRAGMA integrity_check');
      assert.deepEqual(after, [{ integrity_check: 'ok' }]);
      break;
    }

    await presentPoll(presenter, random.int(0, POLLS.length - 1));
    const stats = { sent: 0, acked: 0, closed: 0 };
    const loops = voters.map((v) => voteLoop(v, stats, problems));
    const killAt = random.int(KILL_MIN_MS, KILL_MAX_MS);
    // Half the rounds move to another poll while votes fly, so some land on
    // a poll that is closing.
    if (random() < 0.5) {
      const moveAt = random.int(0, killAt);
      await sleep(moveAt);
      let next = random.int(0, POLLS.length - 2);
      if (next >= presenter.latest.state.slide.index) next++;
      presenter.send({ type: 'goto', slide: next });
      presenter.send({ type: 'open' });  // an error if it opened on arrival; harmless
      await sleep(killAt - moveAt);
    } else {
      await sleep(killAt);
    }
    // A round proves something only if a vote was acknowledged before the
    // kill; on a loaded machine the first commit may come later than the
    // random time, so the kill waits for it (at most 5 s), then strikes.
    for (const until = Date.now() + 5000; stats.acked === 0 && Date.now() < until;) await sleep(5);
    await server.kill();
    await within(Promise.all(voters.map((v) => v.c.closed)), 10000, 'attendee connections still open 10 s after the kill');
    await Promise.all(loops);
    await presenter.closed;
    for (const k of Object.keys(totals)) totals[k] += stats[k];
    assert.ok(stats.acked > 0, `round ${round}: no vote was acknowledged in ${killAt} ms and 5 s more\n${server.output()}`);

    file = await readFile(problems);
    checkVotes(voters, file, problems);
    assert.deepEqual(problems, [], `round ${round} (killed after ${killAt} ms, ${JSON.stringify(stats)}, seed ${SEED})\n${server.stderr}`);
  }
  t.diagnostic(`votes sent ${totals.sent}, acknowledged ${totals.acked}, refused as closed ${totals.closed}`);
});
