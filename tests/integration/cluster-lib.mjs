// cluster-lib.mjs -- what the cluster-mode tests share (DESIGN.md section 12,
// docs/cluster.md): a private redis-server on a free loopback port, in its own
// folder, with the durability cluster mode requires (AOF, fsync always, no RDB
// snapshots), that a test can stop, kill -9, freeze (SIGSTOP) and restart on
// the same folder and port; handsup nodes started with --redis against it;
// and the durability checks of crash.test.mjs redone against an archive of
// Redis (`handsup export --redis URL --data FILE --format sqlite`).
//
// Every redis-server and node is killed when the test process exits, however
// it exits; redis-server is also started under `setpriv --pdeathsig KILL`, so
// it dies with the test process even when that one is killed with -9 (a ctest
// timeout).
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';

import { Client, KEY, Server, freePort, runCli, sleep, tempDir } from './lib.mjs';
import { Voter, rng, sql, tokenHash } from './durable-lib.mjs';

export const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server']
  .find((p) => existsSync(p) && spawnSync(p, ['--version']).status === 0);
export const REDIS_CLI = ['/usr/bin/redis-cli', '/usr/local/bin/redis-cli'].find((p) => existsSync(p));
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
// For node:test's { skip }: every cluster test needs redis-server.
export const skipWithoutRedis = REDIS_SERVER && REDIS_CLI ? false : 'redis-server is not installed (sh .ci/dev test installs it)';

// The settings handsup checks at start (docs/cluster.md "Redis"): appendonly
// and appendfsync always; no RDB snapshots, so a restart reads the AOF only.
export const SAFE_REDIS = ['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];

const redises = new Set();
process.on('exit', () => {
  for (const r of redises) {
    try { r.child.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

export class Redis {
  // opts: dir (default a new temp dir), port (default a free one), args (the
  // durability settings, SAFE_REDIS unless given), extra (more arguments).
  constructor(opts = {}) {
    this.dir = opts.dir || tempDir('handsup-redis-');
    this.port = opts.port;
    this.args = opts.args || SAFE_REDIS;
    this.extra = opts.extra || [];
    this.child = null;
    this.log = '';
  }

  get url() { return `redis://127.0.0.1:${this.port}`; }

  async start() {
    if (this.port === undefined) this.port = await freePort();
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir,
      '--daemonize', 'no', '--logfile', '', '--protected-mode', 'yes', ...this.args, ...this.extra];
    const [bin, argv] = SETPRIV ? [SETPRIV, ['--pdeathsig', 'KILL', '--', REDIS_SERVER, ...args]] : [REDIS_SERVER, args];
    const child = spawn(bin, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    redises.add(this);
    child.stdout.setEncoding('utf8').on('data', (d) => { this.log = (this.log + d).slice(-20000); });
    child.stderr.setEncoding('utf8').on('data', (d) => { this.log = (this.log + d).slice(-20000); });
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => { redises.delete(this); resolve({ code, signal }); }));
    const deadline = Date.now() + 10000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`redis-server exited at start\n${this.log}`);
      // PING answers LOADING while the AOF is read: wait for PONG.
      const r = await this.cli(['ping']).catch((e) => ({ stdout: e.message }));
      if (r.stdout.trim() === 'PONG') return this;
      if (Date.now() > deadline) throw new Error(`redis-server did not answer PING within 10 s\n${this.log}`);
      await sleep(30);
    }
  }

  // redis-cli against this server; resolves { stdout, stderr }.
  cli(args, { timeoutMs = 5000 } = {}) {
    return new Promise((resolve, reject) => {
      execFile(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(this.port), ...args], { timeout: timeoutMs, maxBuffer: 64 << 20 },
        (e, stdout, stderr) => (e ? reject(Object.assign(e, { stdout, stderr })) : resolve({ stdout, stderr })));
    });
  }

  // INFO as an object of its fields.
  async info(section = 'all') {
    const { stdout } = await this.cli(['info', section]);
    const o = {};
    for (const line of stdout.split(/\r?\n/)) {
      const i = line.indexOf(':');
      if (i > 0 && !line.startsWith('#')) o[line.slice(0, i)] = line.slice(i + 1);
    }
    return o;
  }

  // SHUTDOWN (saves nothing: no RDB), then the process is gone.
  async stop() {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.stopped) this.resume();
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }

  async kill() {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  // A frozen Redis: connections stay open, nothing is answered.
  pause() { this.child.kill('SIGSTOP'); this.stopped = true; }
  resume() { this.child.kill('SIGCONT'); this.stopped = false; }

  // Same folder and port: the AOF is read back.
  async restart() {
    await this.kill();
    return this.start();
  }

  // Removes the data (between independent parts of a test).
  async wipe() {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
    this.dir = tempDir('handsup-redis-');
  }
}

export async function startRedis(opts) {
  return new Redis(opts).start();
}

// A handsup node in cluster mode: a Server (lib.mjs) whose arguments are
// given whole (argv), so no --data is added. opts: redis (a Redis or a URL),
// decks, key (default KEY; null for random keys), port (default a free one),
// args (extra options), reusePort.
export class Node extends Server {
  constructor(opts = {}) {
    super({ decks: opts.decks, key: opts.key, port: opts.port });
    this.redisUrl = typeof opts.redis === 'string' ? opts.redis : opts.redis.url;
    this.extraArgs = opts.args || [];
    this.reusePort = !!opts.reusePort;
    this.label = opts.label || 'node';
  }

  async start() {
    if (this.port === undefined || this.port === 0) this.port = await freePort();
    const argv = ['--host', this.host, '--port', String(this.port), '--redis', this.redisUrl];
    if (this.key) argv.push('--presenter-key', this.key);
    if (this.reusePort) argv.push('--reuse-port');
    argv.push(...this.extraArgs, ...this.decks);
    this.argv = argv;
    return super.start();
  }

  // Starts again with the same arguments (after kill or stop).
  restart() { return this.start(); }
}

// Two (or n) nodes on one Redis, each on its own port unless reusePort.
export async function startCluster({ n = 2, decks, key = KEY, args = [], redis, redisOpts, reusePort = false } = {}) {
  const r = redis || await startRedis(redisOpts);
  const port = reusePort ? await freePort() : undefined;
  const nodes = [];
  for (let i = 0; i < n; i++) {
    const node = new Node({ redis: r, decks, key, args, port, reusePort, label: `node${'ABCDEFGH'[i]}` });
    await node.start();
    nodes.push(node);
  }
  return {
    redis: r,
    nodes,
    // Stops every node (SIGTERM; each must exit with status 0) and Redis;
    // throws the first failure after everything is stopped.
    async stop() {
      let failure;
      for (const node of nodes) {
        try { await node.stop(); } catch (e) { failure ??= e; await node.kill(); }
      }
      await r.stop();
      if (failure) throw failure;
    },
    // Kills everything: for after() hooks of tests that may have failed.
    async kill() {
      for (const node of nodes) await node.kill();
      await r.kill();
    },
  };
}

// `handsup export --redis URL --data FILE --format sqlite`: the archive of a
// cluster's sessions as a SQLite data file. Returns the CLI's result.
export async function archive(redisUrl, file, codes = []) {
  rmSync(file, { force: true });
  rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
  const r = await runCli(['export', '--redis', redisUrl, '--data', file, '--format', 'sqlite', ...codes], { timeoutMs: 30000 });
  assert.equal(r.code, 0, `handsup export --redis ${redisUrl} --data ${file} --format sqlite failed (${JSON.stringify([r.code, r.signal])})\n${r.stderr}`);
  assert.ok(existsSync(file), `the archive ${file} was written`);
  return r;
}

// `handsup export --redis URL --format json [CODE...]`, parsed.
export async function exportJson(redisUrl, ...args) {
  const r = await runCli(['export', '--redis', redisUrl, '--format', 'json', ...args], { timeoutMs: 30000 });
  assert.equal(r.code, 0, `handsup export --redis ${redisUrl} --format json failed (${JSON.stringify([r.code, r.signal])})\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

// The session's yes/no votes as an archive holds them: participants' hashes,
// rows keyed by hash/poll, counts per poll, and what is broken.
export async function readArchive(file, code, polls, problems) {
  const integrity = await sql(file, 'PRAGMA integrity_check');
  if (integrity.length !== 1 || integrity[0].integrity_check !== 'ok') problems.push(`archive integrity_check: ${JSON.stringify(integrity)}`);
  const dup = await sql(file, `SELECT run_id, poll_id, participant, COUNT(*) AS n FROM votes
    GROUP BY run_id, poll_id, participant HAVING n > 1`);
  if (dup.length) problems.push(`more than one vote per participant and poll: ${JSON.stringify(dup.slice(0, 5))}`);
  const sid = `(SELECT r.id FROM runs r JOIN sessions s ON s.id = r.session_id WHERE s.code = '${code}'
    ORDER BY r.number DESC LIMIT 1)`;
  const people = await sql(file, `SELECT hex(token_hash) AS h FROM participants WHERE run_id = ${sid}`);
  const rows = await sql(file, `SELECT hex(p.token_hash) AS h, v.poll_id AS poll, v.choice AS choice
    FROM votes v LEFT JOIN participants p ON p.run_id = v.run_id AND p.idx = v.participant
    WHERE v.run_id = ${sid}`);
  const byPoll = Object.fromEntries(polls.map((p) => [p, { yes: 0, no: 0 }]));
  const row = new Map();
  for (const r of rows) {
    if (r.h === null || r.h === undefined) problems.push(`a vote without its participant: ${JSON.stringify(r)}`);
    if (!byPoll[r.poll] || !(r.choice in byPoll[r.poll])) problems.push(`unexpected stored vote ${JSON.stringify(r)}`);
    else byPoll[r.poll][r.choice]++;
    row.set(`${r.h}/${r.poll}`, r.choice);
  }
  return { hashes: new Set(people.map((p) => p.h)), row, counts: byPoll, participants: people.length };
}

// Every voter's acknowledged votes against the archive: an acked vote is
// there (or a later unanswered one), nothing stored was never sent, and no
// stored vote belongs to a token no attendee holds.
export function checkVotes(voters, file, polls, problems) {
  const known = new Map(voters.filter((v) => v.token).map((v) => [tokenHash(v.token), v]));
  for (const key of file.row.keys()) {
    if (!known.has(key.split('/')[0])) problems.push(`a stored vote of a participant no attendee holds the token of: ${key}`);
  }
  for (const v of voters) {
    if (!v.token) continue;
    const h = tokenHash(v.token);
    for (const poll of polls) {
      const p = v.poll(poll);
      const stored = file.row.get(`${h}/${poll}`);
      const what = `${v.label} ${poll}: acked ${p.acked}, unanswered since [${[...p.pending.values()]}], stored ${stored}`;
      if (stored === undefined) {
        if (p.acked) problems.push(`acknowledged vote lost: ${what}`);
      } else if (!v.allowed(poll).has(stored)) {
        problems.push(`stored vote was never sent after the last ack: ${what}`);
      }
    }
    if ([...v.polls.values()].some((p) => p.acked) && !file.hashes.has(h)) {
      problems.push(`${v.label}: has acknowledged votes but its participant is not stored`);
    }
  }
}

// Joins v (with its token, if any) on server; checks the token comes back
// exactly when the archive holds it and myVote is the stored row.
export async function rejoin(server, v, file, code, problems, { timeoutMs = 10000 } = {}) {
  const c = await Client.connect(server, { label: v.label, timeoutMs });
  const msg = { type: 'join', code };
  if (v.token) msg.participant = v.token;
  c.send(msg);
  const welcome = await c.next(['welcome', 'error'], null, timeoutMs);
  assert.equal(welcome.type, 'welcome', `${v.label}: ${JSON.stringify(welcome)}`);
  const state = await c.next('state', null, timeoutMs);
  if (v.token && file) {
    const stored = file.hashes.has(tokenHash(v.token));
    const restored = welcome.participant === v.token;
    if (stored !== restored) problems.push(`${v.label}: token ${restored ? 'restored' : 'replaced'} but the archive ${stored ? 'holds' : 'lacks'} it`);
    if (!restored) v.polls.clear();
  }
  v.token = welcome.participant;
  if (file && state.poll) {
    const want = file.row.get(`${tokenHash(v.token)}/${state.poll.id}`) ?? null;
    if ((state.myVote ?? null) !== want) problems.push(`${v.label}: myVote ${state.myVote} on ${state.poll.id} after rejoin, the archive holds ${want}`);
  }
  v.c = c;
  return { welcome, state };
}

// Votes until the connection dies or stop() says so: one vote in flight at
// a time on the poll the latest state shows open. stats counts sent, acked,
// closed (poll_closed) and failed (store_failed: nothing recorded, or maybe
// recorded: it stays allowed as pending). Any other refusal is a problem.
// onAnswer(message, time) sees every ack and error.
export async function voteLoop(v, stats, problems, { seed, pause = [20, 60], stop = () => false, timeoutMs = 10000, onAnswer = () => {} } = {}) {
  const c = v.c;
  const r = rng(seed ?? v.i + 1);
  while (!c.closeInfo && !stop()) {
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
      break;
    }
    const key = ++v.sent;
    v.poll(poll).pending.set(key, choice);
    stats.sent++;
    let m;
    try {
      m = await c.next(['ack', 'error'], (x) => x.id === id, timeoutMs);
    } catch {
      break;  // the connection died with this vote in flight: it stays pending
    }
    onAnswer(m, Date.now());
    const p = v.poll(poll);
    if (m.type === 'ack') {
      if (m.poll !== poll || m.choice !== choice) problems.push(`${v.label}: ack ${JSON.stringify(m)} for ${poll}=${choice}`);
      p.acked = choice;
      p.pending.clear();
      stats.acked++;
    } else if (m.code === 'poll_closed') {
      p.pending.delete(key);
      stats.closed++;
    } else if (m.code === 'store_failed') {
      // "may or may not be" recorded: it stays pending (allowed, not required).
      stats.failed = (stats.failed || 0) + 1;
    } else {
      p.pending.delete(key);
      problems.push(`${v.label}: vote refused ${JSON.stringify(m)}`);
    }
    await sleep(r.int(pause[0], pause[1]));
  }
}

// Resolves with promise, or rejects with message after ms.
export function within(promise, ms, message) {
  let timer;
  const limit = new Promise((resolve, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

// Polls fn until it returns a truthy value (returned) or ms pass (throws).
export async function until(fn, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(20);
  }
}

export { Voter, tokenHash, rng, sql };
export const tmp = (name) => path.join(tempDir('handsup-cluster-'), name);
