// hostile-lib.mjs -- helpers shared by the hostile-client tests: a server
// with a presenter and an open poll, connections from a chosen source
// address, and a well-behaved "bystander" attendee that keeps voting while a
// test attacks the server, so every refusal is also shown not to hurt anyone
// else.
import assert from 'node:assert/strict';
import WebSocket from 'ws';

import { CODE, Client, SLIDE, command, joinPresenter, startServer } from './lib.mjs';

// Acceptable ack round trip for the bystander, in ms (see assertFast).
// Loopback and a group commit take a few ms; 200 ms is what a person notices.  On a
// machine already slow before any attack (a loaded CI runner, the sanitizer
// build, a slow disk under fsync) the limit is twice the slowest of the
// quiet votes instead, so the tests measure the attack, not the machine.
export const ACK_MS = Number(process.env.HANDSUP_HOSTILE_ACK_MS) || 200;
let limitMs = ACK_MS;
export function setAckLimit(quietLatencies) {
  limitMs = Math.max(ACK_MS, Math.ceil(2 * Math.max(...quietLatencies)));
}
export function ackLimit() {
  return limitMs;
}

// Like lib's Client.connect, with a source address and free headers (and
// url: another address of the server).  Resolves with the Client; rejects
// with err.status set when the upgrade is refused with an HTTP status.
export function connectFrom(server, { localAddress, origin, headers = {}, label = 'client', timeoutMs = 5000, url } = {}) {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    const o = origin === undefined ? server.origin : origin;
    if (o) h.Origin = o;
    const ws = new WebSocket(url || server.wsUrl, { headers: h, handshakeTimeout: timeoutMs, localAddress });
    const c = new Client(ws, label);
    ws.once('open', () => resolve(c));
    ws.once('unexpected-response', (req, res) => {
      const e = new Error(`${label}: upgrade refused with HTTP ${res.statusCode}`);
      e.status = res.statusCode;
      res.resume();
      req.destroy();
      reject(e);
    });
    ws.once('error', (e) => reject(new Error(`${label}: cannot connect: ${e.message}`)));
  });
}

// Joins an attendee from a chosen source address; { c, welcome, state }.
export async function attendeeFrom(server, localAddress, { label = 'attendee', participant, code = CODE, url, origin } = {}) {
  const c = await connectFrom(server, { localAddress, label, url, origin });
  const msg = { type: 'join', code };
  if (participant !== undefined) msg.participant = participant;
  const id = c.request(msg);
  const first = await c.next(['welcome', 'error'], (m) => m.type === 'welcome' || m.id === id);
  if (first.type !== 'welcome') throw new Error(`${label}: join refused: ${JSON.stringify(first)}`);
  const state = await c.next('state');
  return { c, welcome: first, state };
}

// The presenter key of every session, from the banner's presenter URLs
// (`/present/#<code>/<key>`): a server started without --presenter-key
// draws a different random key per session.
export async function bannerKeys(server, codes) {
  for (const code of codes) await server.waitForOutput(new RegExp(`/present/#${code}/`));
  const keys = {};
  for (const m of server.stdout.matchAll(/\/present\/#(\d{8})\/(\S+)/g)) keys[m[1]] = m[2];
  return keys;
}

// A started server whose presenter has opened poll q1.  With key: null the
// sessions get random keys, read from the banner into server.keys.
export async function serverWithOpenPoll(opts = {}) {
  const server = await startServer(opts);
  if (!server.key) {
    server.keys = await bannerKeys(server, [CODE]);
    server.key = server.keys[CODE];
  }
  const { c: presenter } = await joinPresenter(server);
  await command(presenter, { type: 'goto', slide: SLIDE.q1 }, (s) => s.poll?.id === 'q1' && s.poll.status === 'open');
  return { server, presenter };
}

// A well-behaved attendee that votes on q1 and times each ack.
export class Bystander {
  constructor(c, label) {
    this.c = c;
    this.label = label;
    this.choice = 'yes';
  }

  static async join(server, { localAddress = '127.0.0.9', label = 'bystander' } = {}) {
    const { c } = await attendeeFrom(server, localAddress, { label });
    return new Bystander(c, label);
  }

  // One vote; returns its ack round trip in ms.
  async voteOnce() {
    this.choice = this.choice === 'yes' ? 'no' : 'yes';
    const t0 = performance.now();
    await this.c.vote('q1', this.choice, 5000);
    const ms = performance.now() - t0;
    this.c.drain('state');
    return ms;
  }

  // n votes in a row; returns their round trips.
  async probe(n = 5) {
    const out = [];
    for (let i = 0; i < n; i++) out.push(await this.voteOnce());
    return out;
  }

  // Votes every periodMs in the background until the returned function is
  // called; that function resolves with the round trips and throws if any
  // vote failed.  10 votes/s stays well inside the per-connection rate limit.
  watch(periodMs = 100) {
    const latencies = [];
    let stopped = false;
    let failure = null;
    const loop = (async () => {
      while (!stopped) {
        try {
          latencies.push(await this.voteOnce());
        } catch (e) {
          failure = e;
          return;
        }
        await new Promise((r) => setTimeout(r, periodMs));
      }
    })();
    // Stops after at least minVotes acks, so even a short attack is judged
    // on a few samples.
    return async (minVotes = 3) => {
      const deadline = Date.now() + 10000;
      while (!failure && latencies.length < minVotes && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, periodMs));
      }
      stopped = true;
      await loop;
      if (failure) throw failure;
      return latencies;
    };
  }

  // Asserts the bystander still votes with normal latency right now.
  async assertHealthy(what = '') {
    const l = await this.probe(3);
    assertFast(l, `${this.label} ${what}`.trim());
    return l;
  }
}

// Normal latency: 95% of the acks under the limit, and none stalled (a
// blocked event loop or a queue behind an attacker shows as a second or
// more).  The single slowest ack is not held to the limit because on a
// shared machine one fsync or scheduling hiccup can exceed it whatever the
// server does.
// Normal latency: at most one ack in twenty (and at least one allowed) over
// the limit, and none stalled: a blocked event loop or a queue behind an
// attacker shows as many slow acks or as a second and more.  A single slow
// ack is tolerated because on a shared machine one fsync or scheduling
// hiccup can exceed the limit whatever the server does.
export function assertFast(latencies, what) {
  assert.ok(latencies.length > 0, `${what}: no votes were acknowledged`);
  const slow = latencies.filter((x) => x >= limitMs).length;
  const allowed = Math.max(1, Math.floor(latencies.length / 20));
  const max = Math.max(...latencies);
  const all = latencies.map((x) => x.toFixed(1)).join(' ');
  assert.ok(slow <= allowed && (latencies.length > 1 || slow === 0),
    `${what}: ${slow} of ${latencies.length} acks took ${limitMs} ms or more (allowed ${allowed}; all: ${all})`);
  assert.ok(max < 5 * limitMs, `${what}: slowest ack ${max.toFixed(1)} ms (limit ${5 * limitMs} ms; all: ${all})`);
}

export function summary(latencies) {
  const s = [...latencies].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, p50: +q(0.5).toFixed(1), p99: +q(0.99).toFixed(1), max: +s[s.length - 1].toFixed(1) };
}
