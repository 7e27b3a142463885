// fault.test.mjs -- a full disk, for real: the data file lives on a small
// tmpfs mounted in a private mount namespace (nothing leaks to the host).
// The disk is filled while attendees vote; every vote that cannot be written
// must get store_failed (never an ack), the server keeps serving with
// /healthz at 503 "degraded"; once space is freed votes are acknowledged
// again, and after a restart every acknowledged vote is in the file.
//
// A holder process (`unshare -m ... sleep`) owns the namespace and its tmpfs,
// so the file outlives a server restart; servers enter it with nsenter.  The
// test reaches the tmpfs from outside through /proc/<holder>/root/<dir>.
// Needs root (or the right to mount): without it the test is skipped, saying
// why.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import {
  BIN, CODE, Client, SLIDE, Server, command, deck, freePort, joinAttendee, joinPresenter, sleep, tempDir,
} from './lib.mjs';
import { haveSqlite3, sql, tokenHash } from './durable-lib.mjs';

const TMPFS_SIZE = '1m';
const VOTERS = 6;

// Starts the namespace holder.  Resolves { pid, child } once the tmpfs is
// mounted, or { skip: reason } when this machine does not allow it.
function startHolder(dir) {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c',
        `mount -t tmpfs -o size=${TMPFS_SIZE} tmpfs "$0" && echo mounted && exec sleep 3600`, dir],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      resolve({ skip: `cannot run unshare: ${e.message}` });
      return;
    }
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      if (out.includes('mounted')) resolve({ pid: child.pid, child });
    });
    child.stderr.setEncoding('utf8').on('data', (d) => { err += d; });
    child.on('error', (e) => resolve({ skip: `cannot run unshare: ${e.message}` }));
    child.on('exit', (code, signal) => {
      resolve({ skip: `cannot mount a tmpfs in a private mount namespace (unshare exited ${code ?? signal}): ${err.trim()}` });
    });
  });
}

// The lib's Server, started inside the holder's mount namespace.  nsenter
// entering only a mount namespace execs in place, so child.pid is the server.
class NsServer extends Server {
  constructor(holderPid, opts) {
    super(opts);
    this.holderPid = holderPid;
  }

  async start() {
    this.port = await freePort();
    const args = ['-t', String(this.holderPid), '-m', '--', BIN, 'serve', '--host', '127.0.0.1',
      '--port', String(this.port), '--data', this.data, '--presenter-key', this.key, ...this.decks];
    this.stdout = '';
    this.stderr = '';
    const child = spawn('nsenter', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    children.add(child);
    child.stdout.setEncoding('utf8').on('data', (d) => { this.stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { this.stderr += d; });
    let gone = null;
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => { children.delete(child); gone = { code, signal }; resolve(gone); });
      child.on('error', (e) => { children.delete(child); gone = { error: e.message }; resolve(gone); });
    });
    const deadline = Date.now() + 10000;
    while (Date.now() < deadline) {
      if (gone) throw new Error(`handsup exited during start-up (${JSON.stringify(gone)})\n${this.output()}`);
      try {
        const res = await fetch(this.url('/healthz'), { signal: AbortSignal.timeout(1000) });
        await res.text();
        if (res.status === 200) return this;
      } catch { /* not up yet */ }
      await sleep(50);
    }
    child.kill('SIGKILL');
    throw new Error(`handsup did not answer /healthz within 10 s\n${this.output()}`);
  }
}

// Whatever this file started is killed when the process exits, by pid.
const children = new Set();
process.on('exit', () => {
  for (const c of children) {
    try { c.kill('SIGKILL'); } catch { /* gone */ }
  }
});

// Fills the file system under file until it refuses a single byte more.
function fillDisk(file) {
  const fd = openSync(file, 'w');
  let written = 0;
  try {
    for (const size of [65536, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size);
      for (;;) {
        try {
          const n = writeSync(fd, chunk);
          written += n;
          if (n < size) break;
        } catch (e) {
          if (e.code !== 'ENOSPC') throw e;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

async function health(server) {
  const r = await server.get('/healthz');
  let body = null;
  try { body = JSON.parse(r.body); } catch { /* asserted by the caller */ }
  return { status: r.status, body, text: r.body };
}

test('a full disk refuses votes with store_failed, the server stays up, and recovers when space returns', async (t) => {
  for (const tool of ['unshare', 'nsenter', 'mount']) {
    if (!['/usr/bin', '/bin', '/usr/sbin', '/sbin'].some((d) => existsSync(path.join(d, tool)))) {
      t.skip(`${tool} (util-linux) is not installed: cannot build a private tmpfs`);
      return;
    }
  }
  assert.ok(await haveSqlite3(), 'the sqlite3 shell is needed to read the data file: apt-get install sqlite3');

  const dir = tempDir('handsup-fault-');
  const holder = await startHolder(dir);
  if (holder.skip) {
    t.skip(holder.skip);
    return;
  }
  children.add(holder.child);
  const inside = (name) => `/proc/${holder.pid}/root${dir}/${name}`;  // the tmpfs, seen from outside
  const data = path.join(dir, 'h.db');
  let server;
  try {
    server = new NsServer(holder.pid, { decks: [deck('basic.md')], data });
    await server.start();
    assert.ok(existsSync(inside('h.db')), `the data file is on the namespace's tmpfs: ${inside('h.db')}`);
    assert.ok(!existsSync(data), 'the data file does not leak to the host folder');

    const { c: presenter } = await joinPresenter(server);
    await command(presenter, { type: 'goto', slide: SLIDE.q1 }, (s) => s.poll?.id === 'q1' && s.poll.status === 'open');
    const voters = [];
    for (let i = 0; i < VOTERS; i++) {
      const { c, welcome } = await joinAttendee(server, CODE, { label: `voter${i}` });
      voters.push({ c, token: welcome.participant, acked: null, label: `voter${i}` });
    }
    // Before the disk fills: every vote acknowledged.
    for (const v of voters) {
      const ack = await v.c.vote('q1', 'yes');
      v.acked = ack.choice;
    }

    // Fill the disk, then vote the other way until the writes fail.  A vote
    // that gets an ack must be in the file; store_failed is the only refusal.
    const filled = fillDisk(inside('fill'));
    t.diagnostic(`filled the tmpfs with ${filled} bytes`);
    let failed = 0;
    let ackedWhileFull = 0;
    const unexpected = [];
    for (let round = 0; round < 40 && failed < VOTERS; round++) {
      for (const v of voters) {
        const choice = v.acked === 'yes' ? 'no' : 'yes';
        const id = v.c.request({ type: 'vote', poll: 'q1', choice });
        const m = await v.c.next(['ack', 'error'], (x) => x.id === id, 10000);
        if (m.type === 'ack') { v.acked = choice; ackedWhileFull++; } else if (m.code === 'store_failed') failed++;
        else unexpected.push(m);
      }
      await sleep(60);  // inside the per-connection rate limit
    }
    assert.deepEqual(unexpected, [], 'votes refused for another reason than store_failed');
    assert.ok(failed > 0, `no vote was refused on a full disk\n${server.output()}`);
    t.diagnostic(`on the full disk: ${failed} votes refused with store_failed, ${ackedWhileFull} acknowledged`);

    // Still serving: health says degraded with the cause, pages and
    // sockets answer, and a failing vote keeps failing cleanly.
    const h = await health(server);
    assert.equal(h.status, 503, `healthz on a full disk: ${h.status} ${h.text}`);
    assert.equal(h.body?.status, 'degraded', h.text);
    assert.equal(typeof h.body?.error, 'string', `healthz names the error: ${h.text}`);
    assert.ok(h.body.error.length > 0, h.text);
    assert.equal((await server.get(`/j/${CODE}`)).status, 200);
    const probe = await Client.connect(server, { label: 'probe' });
    probe.send({ type: 'ping', id: 5 });
    await probe.next('pong', (m) => m.id === 5);
    await probe.close();
    assert.equal(server.child.exitCode, null, 'the server is still running');
    assert.match(server.stderr, /level=error msg="data file write failed/, 'the failure is logged');

    // Someone joins while the disk is full: the join is kept in memory and
    // retried, so once space returns this attendee's votes count too.
    const late = await joinAttendee(server, CODE, { label: 'late' });
    voters.push({ c: late.c, token: late.welcome.participant, acked: null, label: 'late' });
    const lateId = late.c.request({ type: 'vote', poll: 'q1', choice: 'no' });
    const lateAnswer = await late.c.next(['ack', 'error'], (x) => x.id === lateId, 10000);
    assert.equal(lateAnswer.code, 'store_failed', `a vote on a full disk: ${JSON.stringify(lateAnswer)}`);

    // Free the space: votes are acknowledged again and health recovers.
    unlinkSync(inside('fill'));
    for (const v of voters) {
      const choice = v.acked === 'yes' ? 'no' : 'yes';
      let m;
      for (let attempt = 0; attempt < 50; attempt++) {
        const id = v.c.request({ type: 'vote', poll: 'q1', choice });
        m = await v.c.next(['ack', 'error'], (x) => x.id === id, 10000);
        if (m.type === 'ack' || m.code !== 'store_failed') break;
        await sleep(100);
      }
      assert.equal(m.type, 'ack', `${v.label}: after space was freed: ${JSON.stringify(m)}\n${server.stderr}`);
      v.acked = choice;
    }
    const healed = await health(server);
    assert.equal(healed.status, 200, `healthz after space was freed: ${healed.text}`);
    assert.equal(healed.body.status, 'ok');
    assert.match(server.stderr, /writing works again/, 'the recovery is logged');

    // A clean stop, then a restart in the same namespace: every acknowledged
    // vote is back, in the file, in myVote and in the tally.
    await Promise.all([presenter.close(), ...voters.map((v) => v.c.close())]);
    await server.stop();
    server = null;

    const rows = await sql(data, `SELECT hex(p.token_hash) AS h, v.choice AS choice
      FROM votes v JOIN participants p ON p.run_id = v.run_id AND p.idx = v.participant
      JOIN runs r ON r.id = v.run_id JOIN sessions s ON s.id = r.session_id
      WHERE s.code = '${CODE}' AND v.poll_id = 'q1'`, { ns: holder.pid });
    const stored = new Map(rows.map((r) => [r.h, r.choice]));
    assert.equal(rows.length, voters.length, JSON.stringify(rows));
    for (const v of voters) assert.equal(stored.get(tokenHash(v.token)), v.acked, `${v.label} in the file`);
    assert.deepEqual(await sql(data, 'PRAGMA integrity_check', { ns: holder.pid }), [{ integrity_check: 'ok' }]);

    server = new NsServer(holder.pid, { decks: [deck('basic.md')], data });
    await server.start();
    const want = { yes: 0, no: 0 };
    for (const v of voters) {
      want[v.acked]++;
      const { c, welcome, state } = await joinAttendee(server, CODE, { participant: v.token, label: v.label });
      assert.equal(welcome.participant, v.token, `${v.label}: token restored`);
      assert.equal(state.poll?.id, 'q1');
      assert.equal(state.myVote, v.acked, `${v.label}: myVote after the restart`);
      await c.close();
    }
    const { c: p2 } = await joinPresenter(server);
    const tally = await p2.next('tally', (x) => x.poll === 'q1');
    assert.deepEqual(tally.counts, want, JSON.stringify(tally));
    await p2.close();
    await server.stop();
    server = null;
  } finally {
    if (server) await server.kill();
    holder.child.kill('SIGKILL');
  }
});
