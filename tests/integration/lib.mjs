// lib.mjs -- shared helpers for the integration tests: start the real handsup
// binary on a free loopback port with its own data folder, and speak its
// WebSocket protocol (docs/protocol.md) through a small queueing client.
//
// ctest runs each *.test.mjs with HANDSUP_BIN (the server binary) and
// HANDSUP_SOURCE_DIR (the repository) in the environment.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import https from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const here = path.dirname(fileURLToPath(import.meta.url));

export const SOURCE_DIR = process.env.HANDSUP_SOURCE_DIR || path.resolve(here, '..', '..');
export const BIN = process.env.HANDSUP_BIN || path.join(SOURCE_DIR, 'build', 'handsup');
export const DECKS = path.join(here, 'decks');
export const KEY = 'integration-key-0123456789abcdef';
export const CODE = '12345678';        // decks/basic.md
export const OTHER_CODE = '87654321';  // decks/second.md

export function deck(name) {
  return path.join(DECKS, name);
}

// Slides of decks/basic.md, so tests name them instead of counting.
export const SLIDE = { welcome: 0, discuss: 1, q1: 2, q2: 3, q3: 4, thanks: 5, count: 6 };

// A new empty folder under the system temp dir, removed when the process exits.
const tempDirs = [];
export function tempDir(prefix = 'handsup-test-') {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function writeTemp(dir, name, text) {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

// A port nobody listens on right now: bind port 0 on loopback, read it, close.
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// A non-loopback IPv4 address of this machine, or undefined.  A connection
// from it to it does not come from loopback, so the per-address caps apply
// (they never do to loopback peers).
export function lanAddress() {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const i of list || []) {
      if ((i.family === 'IPv4' || i.family === 4) && !i.internal) return i.address;
    }
  }
  return undefined;
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Runs the binary to completion (for command-line tests).  Returns
// { code, signal, stdout, stderr }; kills it after timeoutMs.
export function runCli(args, { timeoutMs = 10000, cwd, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { cwd, env: env ? { ...process.env, ...env } : undefined, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

// Every server still running when the test process exits is killed, so a
// failing test never leaves one behind.
const running = new Set();
process.on('exit', () => {
  for (const s of running) {
    try { s.child.kill('SIGKILL'); } catch { /* already gone */ }
  }
  for (const d of tempDirs) {
    try { rmSync(d, { recursive: true, force: true }); } catch { /* best effort */ }
  }
});

let redisDbs = 0;  // HANDSUP_TEST_REDIS: the next database

export class Server {
  // opts: decks (paths), data (file; default a new temp dir's db), key,
  // port (default a free one), args (extra arguments before the decks),
  // host (--host, default 127.0.0.1; '0.0.0.0' listens on every address;
  // the helpers connect over 127.0.0.1, or over an IPv6 host), argv (the arguments after
  // "serve", used as they are instead of all of the above but port 0).
  constructor(opts = {}) {
    this.argv = opts.argv;
    this.decks = opts.decks || [deck('basic.md')];
    this.host = opts.host || '127.0.0.1';
    this.data = opts.data || path.join(tempDir(), 'handsup.db');
    this.key = opts.key === undefined ? KEY : opts.key;
    this.port = opts.port;
    this.args = opts.args || [];
    this.stdout = '';
    this.stderr = '';
    this.child = null;
    this.exited = null;  // promise of { code, signal }
    // opts.tls: { cert, key, ca } -- serve HTTPS/WSS with that pair; the
    // helpers trust ca (a PEM buffer) and verify the certificate.
    this.tls = opts.tls;
    this.bin = opts.bin || BIN;  // another binary (the installed one)
  }

  // Where the helpers connect: 127.0.0.1, or the IPv6 address listened on.
  get address() { return this.host.includes(':') && this.host !== '::' ? `[${this.host}]` : '127.0.0.1'; }
  get base() { return `${this.tls ? 'https' : 'http'}://${this.address}:${this.port}`; }
  get origin() { return this.base; }
  get wsUrl() { return `${this.tls ? 'wss' : 'ws'}://${this.address}:${this.port}/ws`; }
  url(p) { return this.base + p; }

  // The server's output so far, for failure messages.
  output() {
    return `--- handsup stdout ---\n${this.stdout}\n--- handsup stderr ---\n${this.stderr}`;
  }

  // Resolves when the server's stdout matches re (bounded); returns the match.
  waitForOutput(re, timeoutMs = 10000) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.stdout.match(re);
        if (m) { done(); resolve(m); }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`handsup printed nothing matching ${re} within ${timeoutMs} ms\n${this.output()}`));
      }, timeoutMs);
      const done = () => { clearTimeout(timer); this.child?.stdout.off('data', check); };
      this.child.stdout.on('data', check);
      check();
    });
  }

  async start() {
    // port 0 asks the server to pick one; the banner says which.
    const pickedByServer = this.port === 0;
    if (this.port === undefined) this.port = await freePort();
    const args = ['serve', '--host', this.host, '--port', String(this.port), '--data', this.data];
    if (this.key) args.push('--presenter-key', this.key);
    if (this.tls) args.push('--tls-cert', this.tls.cert, '--tls-key', this.tls.key);
    args.push(...this.args, ...this.decks);
    if (this.argv) args.splice(1, args.length - 1, ...this.argv);
    else if (process.env.HANDSUP_TEST_REDIS) {
      // cluster-hostile.test.mjs runs a whole suite against cluster nodes:
      // every server of this process then stores in that Redis instead of a
      // data file, each in a database of its own (1 to 15) so they stay apart.
      this.redisDb ??= (redisDbs++ % 15) + 1;
      args.splice(args.indexOf('--data'), 2, '--redis', `${process.env.HANDSUP_TEST_REDIS}/${this.redisDb}`);
    }
    this.stdout = '';
    this.stderr = '';
    const child = spawn(this.bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    running.add(this);
    child.stdout.setEncoding('utf8').on('data', (d) => { this.stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { this.stderr += d; });
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => { running.delete(this); resolve({ code, signal }); });
      child.on('error', (e) => { running.delete(this); resolve({ code: null, signal: null, error: e }); });
    });
    if (pickedByServer) {
      const m = await this.waitForOutput(/listening on port (\d+)/);
      this.port = Number(m[1]);
      assert.ok(this.port > 0, `listening on port ${this.port}`);
    }
    // Up when /healthz answers 200; bounded so a server that never comes up
    // fails the test with its output rather than hanging it.
    const deadline = Date.now() + 10000;
    let last = 'no answer';
    let gone = null;
    this.exited.then((r) => { gone = r; });
    while (Date.now() < deadline) {
      if (gone) {
        throw new Error(`handsup exited during start-up (${JSON.stringify(gone)})\n${this.output()}`);
      }
      try {
        const res = await this.get('/healthz', {}, 1000);
        if (res.status === 200) {
          // The banner went into the pipe before the first answer, but Node
          // may read the answer first: tests that take codes and keys from
          // the banner need all of it (its last line repeats the port).
          await this.waitForOutput(/\nlistening on port \d+\n/);
          return this;
        }
        last = `status ${res.status}`;
      } catch (e) {
        last = String(e.cause?.code || e.message);
      }
      await sleep(50);
    }
    child.kill('SIGKILL');
    throw new Error(`handsup did not answer /healthz within 10 s (${last})\n${this.output()}`);
  }

  // SIGTERM, then SIGKILL after 5 s.  Returns { code, signal }; throws when
  // the server did not exit with status 0 after SIGTERM (a clean shutdown is
  // part of the contract).
  async stop() {
    if (!this.child) return { code: 0, signal: null };
    const child = this.child;
    this.child = null;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    let killed = false;
    const timer = setTimeout(() => { killed = true; child.kill('SIGKILL'); }, 5000);
    const r = await this.exited;
    clearTimeout(timer);
    if (killed) throw new Error(`handsup did not exit within 5 s of SIGTERM\n${this.output()}`);
    if (r.code !== 0) {
      throw new Error(`handsup exited with ${JSON.stringify(r)} after SIGTERM, expected status 0\n${this.output()}`);
    }
    return r;
  }

  // For tests that end with a crash on purpose.
  async kill() {
    if (!this.child) return;
    const child = this.child;
    this.child = null;
    child.kill('SIGKILL');
    await this.exited;
  }

  // body is the text (a UTF-8 byte order mark dropped, as browsers do);
  // bytes what was sent (plain HTTP only).
  async get(p, headers = {}, timeoutMs = 5000) {
    if (this.tls) return httpsGet(this.url(p), { headers, ca: this.tls.ca, timeoutMs });
    const res = await fetch(this.url(p), { headers, signal: AbortSignal.timeout(timeoutMs) });
    const bytes = Buffer.from(await res.arrayBuffer());
    const body = new TextDecoder().decode(bytes);
    return { status: res.status, headers: res.headers, body, bytes };
  }
}

// GET over HTTPS trusting ca (fetch cannot be given a CA): { status,
// headers (a Headers), body, cert (the server's, as Node reports it) }.
export function httpsGet(url, { headers = {}, ca, timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { headers, ca, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      const cert = res.socket.getPeerCertificate();
      res.setEncoding('utf8').on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: new Headers(res.headers), body, cert }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

export async function startServer(opts) {
  const s = new Server(opts);
  await s.start();
  return s;
}

function describe(msg) {
  const s = JSON.stringify(msg);
  return s.length > 300 ? s.slice(0, 300) + '...' : s;
}

// A WebSocket client that queues every message the server sends.
// next(type, predicate, timeoutMs) takes the first queued or future message
// of that type (a string, an array of them, or '*') for which predicate
// holds; skipped messages of the same type before it are dropped, since a
// newer one replaces them (states, tallies).
export class Client {
  constructor(ws, label) {
    this.ws = ws;
    this.label = label;
    this.queue = [];
    this.waiters = [];
    this.seen = [];         // every message, for failure output
    this.latest = {};       // latest message of each type
    this.nextId = 1;
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        resolve(this.closeInfo);
        this.wake();
      });
    });
    ws.on('message', (data, isBinary) => {
      let msg;
      try {
        msg = JSON.parse(data.toString());
      } catch {
        msg = { type: '__unparsable__', raw: data.toString(), binary: isBinary };
      }
      this.seen.push(msg);
      if (this.seen.length > 400) this.seen.splice(0, 100);
      if (msg && typeof msg.type === 'string') this.latest[msg.type] = msg;
      this.queue.push(msg);
      this.wake();
    });
    ws.on('error', (e) => { this.error = e; this.wake(); });
  }

  static connect(server, { origin, label = 'client', timeoutMs = 5000, url } = {}) {
    return new Promise((resolve, reject) => {
      const headers = {};
      const o = origin === undefined ? server.origin : origin;
      if (o) headers.Origin = o;
      const ws = new WebSocket(url || server.wsUrl, { headers, handshakeTimeout: timeoutMs, ca: server.tls?.ca });
      const c = new Client(ws, label);
      ws.once('open', () => resolve(c));
      ws.once('error', (e) => reject(new Error(`${label}: cannot connect: ${e.message}`)));
      ws.once('unexpected-response', (req, res) => {
        reject(new Error(`${label}: upgrade refused with HTTP ${res.statusCode}`));
        req.destroy();
      });
    });
  }

  static matches(msg, type) {
    if (type === '*') return true;
    if (Array.isArray(type)) return type.includes(msg.type);
    return msg.type === type;
  }

  wake() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  take(type, predicate) {
    for (let i = 0; i < this.queue.length; i++) {
      const m = this.queue[i];
      if (Client.matches(m, type) && (!predicate || predicate(m))) {
        // Drop the skipped ones of the same type, keep the others.
        this.queue = this.queue.filter((x, j) => j > i || (j < i && !Client.matches(x, type)));
        return m;
      }
    }
    return undefined;
  }

  async next(type, predicate, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.take(type, predicate);
      if (m) return m;
      const left = deadline - Date.now();
      if (left <= 0 || this.closeInfo) {
        const why = this.closeInfo ? `connection closed ${JSON.stringify(this.closeInfo)}` : `${timeoutMs} ms passed`;
        const recent = this.seen.slice(-12).map(describe).join('\n  ');
        throw new Error(`${this.label}: no ${JSON.stringify(type)} message${predicate ? ' matching ' + predicate.toString() : ''}; ${why}. Last received:\n  ${recent}`);
      }
      await new Promise((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  // The error answering the request with this id.
  nextError(id, timeoutMs) {
    return this.next('error', (m) => m.id === id, timeoutMs);
  }

  // Drops every queued message (of a type, or all).
  drain(type = '*') {
    this.queue = this.queue.filter((m) => !Client.matches(m, type));
  }

  send(obj) {
    this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  }

  // Sends obj with a fresh id and returns the id.
  request(obj) {
    const id = this.nextId++;
    this.send({ ...obj, id });
    return id;
  }

  // Votes and waits for the ack; returns it.
  async vote(poll, choice, timeoutMs = 5000) {
    const id = this.request({ type: 'vote', poll, choice });
    const m = await this.next(['ack', 'error'], (x) => x.id === id, timeoutMs);
    if (m.type !== 'ack') throw new Error(`${this.label}: vote ${poll}=${choice} refused: ${describe(m)}`);
    return m;
  }

  close() {
    if (this.ws.readyState === WebSocket.CLOSED) return this.closed;
    this.ws.close();
    return this.closed;
  }

  terminate() {
    this.ws.terminate();
    return this.closed;
  }
}

// Joins as an attendee; returns { c, welcome, state }.
export async function joinAttendee(server, code = CODE, { participant, label = 'attendee', timeoutMs = 5000 } = {}) {
  const c = await Client.connect(server, { label, timeoutMs });
  const msg = { type: 'join', code };
  if (participant !== undefined) msg.participant = participant;
  const id = c.request(msg);
  const first = await c.next(['welcome', 'error'], (m) => m.type === 'welcome' || m.id === id, timeoutMs);
  if (first.type !== 'welcome') throw new Error(`${label}: join refused: ${describe(first)}`);
  const state = await c.next('state', null, timeoutMs);
  return { c, welcome: first, state };
}

// Joins as the presenter; returns { c, welcome, state }.
export async function joinPresenter(server, code = CODE, key = server.key, { label = 'presenter' } = {}) {
  const c = await Client.connect(server, { label });
  const id = c.request({ type: 'join', code, key });
  const first = await c.next(['welcome', 'error'], (m) => m.type === 'welcome' || m.id === id);
  if (first.type !== 'welcome') throw new Error(`${label}: presenter join refused: ${describe(first)}`);
  const state = await c.next('state');
  return { c, welcome: first, state };
}

// Sends a presenter command and waits for the state that shows its effect
// (predicate on the state); errors with this command's id fail at once.
export async function command(p, obj, statePredicate, timeoutMs = 5000) {
  const id = p.request(obj);
  const m = await p.next(['state', 'error'], (x) => (x.type === 'error' ? x.id === id : statePredicate(x)), timeoutMs);
  if (m.type === 'error') throw new Error(`${p.label}: ${JSON.stringify(obj)} refused: ${describe(m)}`);
  return m;
}

// Runs fn over items with at most `limit` running at once; results in order.
export async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let i = 0;
  async function worker() {
    while (i < items.length) {
      const k = i++;
      out[k] = await fn(items[k], k);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
