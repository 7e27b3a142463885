// cve.test.mjs -- libwebsockets 4.1.6 (Debian's package) carries
// CVE-2025-11677, a use-after-free in its server handshake when a request
// asks to upgrade to something other than websocket.  handsup refuses every
// upgrade that is not a WebSocket one before lws acts on it; this file sends
// the handshakes that reach that code (Upgrade: foo, h2c, lists, pipelined
// and split requests, an HTTP/2 preface) and checks that the server answers
// or closes, keeps running, and still serves a normal client.
//
// When valgrind is installed (and the binary is not a sanitizer build, which
// valgrind cannot run), the server runs under valgrind --error-exitcode=99 so
// an invalid read or write fails the test even when it does not crash; the
// sanitizer build catches the same errors itself.  HANDSUP_NO_VALGRIND=1
// skips valgrind.  See docs/security.md.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { BIN, CODE, KEY, SLIDE, command, deck, freePort, joinAttendee, joinPresenter, sleep, tempDir } from './lib.mjs';
import { rawHttp, statuses } from './hostile-frames.mjs';

function valgrindUsable() {
  if (process.env.HANDSUP_NO_VALGRIND) return false;
  const v = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
  if (v.status !== 0) return false;
  // A sanitizer build maps shadow memory valgrind cannot handle.
  const l = spawnSync('ldd', [BIN], { encoding: 'utf8' });
  return !/lib[at]san|libubsan/.test(l.stdout || '');
}

const VALGRIND = valgrindUsable();
const SLOW = VALGRIND ? 5 : 1;           // everything under valgrind is slower
const START_MS = VALGRIND ? 30000 : 10000;

// The server, started directly (optionally under valgrind), shaped like
// lib.mjs's Server for the helpers that take one (Client.connect, joins).
const server = {
  port: 0,
  key: KEY,
  child: null,
  stdout: '',
  stderr: '',
  exited: null,
  get base() { return `http://127.0.0.1:${this.port}`; },
  get origin() { return this.base; },
  get wsUrl() { return `ws://127.0.0.1:${this.port}/ws`; },
  url(p) { return this.base + p; },
  output() { return `--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr.slice(-6000)}`; },
  async get(p, headers = {}) {
    const res = await fetch(this.url(p), { headers, signal: AbortSignal.timeout(5000 * SLOW) });
    return { status: res.status, body: await res.text() };
  },
};

async function startServer() {
  server.port = await freePort();
  const data = path.join(tempDir('handsup-cve-'), 'handsup.db');
  const args = ['serve', '--host', '127.0.0.1', '--port', String(server.port), '--data', data,
    '--presenter-key', KEY, deck('basic.md')];
  const cmd = VALGRIND ? 'valgrind' : BIN;
  const argv = VALGRIND ? ['--error-exitcode=99', '--leak-check=no', '-q', BIN, ...args] : args;
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  server.child = child;
  child.stdout.setEncoding('utf8').on('data', (d) => { server.stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d) => { server.stderr += d; });
  server.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let gone = null;
  server.exited.then((r) => { gone = r; });
  const deadline = Date.now() + START_MS;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`handsup exited during start-up (${JSON.stringify(gone)})\n${server.output()}`);
    try {
      const r = await server.get('/healthz');
      if (r.status === 200) return;
    } catch { /* not up yet */ }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`handsup did not answer /healthz within ${START_MS} ms\n${server.output()}`);
}

process.on('exit', () => { try { server.child?.kill('SIGKILL'); } catch { /* gone */ } });

async function assertAlive(what) {
  assert.equal(server.child.exitCode, null, `${what}: the server exited\n${server.output()}`);
  assert.equal(server.child.signalCode, null, `${what}: the server died of a signal\n${server.output()}`);
  const h = await server.get('/healthz');
  assert.equal(h.status, 200, `${what}: /healthz`);
}

let presenter;

before(async () => {
  console.log(`# ${VALGRIND ? 'running the server under valgrind' : 'valgrind not used'}`);
  await startServer();
  ({ c: presenter } = await joinPresenter(server));
  await command(presenter, { type: 'goto', slide: SLIDE.q1 }, (s) => s.poll?.id === 'q1' && s.poll.status === 'open',
    5000 * SLOW);
});

after(async () => {
  await presenter?.close();
  if (!server.child) return;
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 10000 * SLOW);
  const r = await server.exited;
  clearTimeout(timer);
  assert.notEqual(r.code, 99, `valgrind reported memory errors\n${server.output()}`);
  assert.equal(r.code, 0, `exit after SIGTERM: ${JSON.stringify(r)}\n${server.output()}`);
});

function handshakes() {
  const H = `Host: 127.0.0.1:${server.port}\r\n`;
  const WSK = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n';
  const odd = (p, upgrade, extra = '') => `GET ${p} HTTP/1.1\r\n${H}Upgrade: ${upgrade}\r\nConnection: Upgrade\r\n${extra}\r\n`;
  return {
    'Upgrade: foo on /ws': [odd('/ws', 'foo')],
    'Upgrade: foo on /': [odd('/', 'foo')],
    'Upgrade: foo with WebSocket headers': [odd('/ws', 'foo', WSK)],
    'Upgrade: h2c': [odd('/', 'h2c', 'HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n')],
    'Upgrade: h2c on /ws': [odd('/ws', 'h2c', 'HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n')],
    'Upgrade: websocket, foo': [odd('/ws', 'websocket, foo', WSK)],
    'Upgrade: foo, websocket': [odd('/ws', 'foo, websocket', WSK)],
    'Upgrade: TLS/1.0': [odd('/ws', 'TLS/1.0')],
    'Upgrade: websocket/13': [odd('/ws', 'websocket/13', WSK)],
    'an empty Upgrade': [odd('/ws', '')],
    'a 3 KB Upgrade': [odd('/ws', 'x'.repeat(3000))],
    'two Upgrade headers': [`GET /ws HTTP/1.1\r\n${H}Upgrade: websocket\r\nUpgrade: foo\r\nConnection: Upgrade\r\n${WSK}\r\n`],
    'HTTP/1.0 with Upgrade: foo': [`GET /ws HTTP/1.0\r\n${H}Upgrade: foo\r\nConnection: Upgrade\r\n\r\n`],
    'POST with Upgrade: foo and a body': [`POST /ws HTTP/1.1\r\n${H}Upgrade: foo\r\nConnection: Upgrade\r\nContent-Length: 5\r\n\r\nhello`],
    'pipelined: GET /healthz, then Upgrade: foo': [`GET /healthz HTTP/1.1\r\n${H}\r\n` + odd('/ws', 'foo')],
    'pipelined: Upgrade: foo, then Upgrade: h2c': [odd('/ws', 'foo') + odd('/', 'h2c')],
    'pipelined: GET /, Upgrade: h2c, GET /healthz': [`GET / HTTP/1.1\r\n${H}\r\n` + odd('/', 'h2c') + `GET /healthz HTTP/1.1\r\n${H}\r\n`],
    'pipelined: a WebSocket upgrade, then Upgrade: foo': [odd('/ws', 'websocket', WSK) + odd('/ws', 'foo')],
    'split: Upgrade: foo a few bytes at a time': odd('/ws', 'foo', WSK).match(/[\s\S]{1,7}/g),
    'split: pipelined pair cut inside the second request': (() => {
      const t = `GET /healthz HTTP/1.1\r\n${H}\r\n` + odd('/ws', 'h2c');
      return [t.slice(0, t.length - 20), t.slice(t.length - 20)];
    })(),
    'an HTTP/2 prior-knowledge preface': ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n' + '\0\0\0\x04\0\0\0\0\0'],
  };
}

test('odd Upgrade handshakes are answered or closed, never accepted as WebSockets', async () => {
  const rounds = VALGRIND ? 1 : 3;
  for (let round = 0; round < rounds; round++) {
    for (const [name, chunks] of Object.entries(handshakes())) {
      const r = await rawHttp(server.port, chunks, {
        timeoutMs: 3000 * SLOW, settleMs: 200 * SLOW, gapMs: name.startsWith('split') ? 5 : 0,
      });
      const st = statuses(r.text);
      if (name.includes('then Upgrade: foo') && name.includes('WebSocket upgrade')) {
        // The first request is a genuine upgrade; what follows is frame data.
        assert.equal(st[0], 101, `${name}: ${JSON.stringify(r.text.slice(0, 80))}`);
      } else if (name === 'two Upgrade headers') {
        // lws reads the first one, a genuine upgrade; either outcome is safe.
        assert.ok(st.length > 0 || r.closedByServer, `${name}: neither answered nor closed in ${r.ms} ms`);
      } else {
        assert.ok(!st.includes(101), `${name}: upgraded: ${JSON.stringify(r.text.slice(0, 200))}`);
        // Either an HTTP answer or a close (a timeout without either would
        // mean the server sits on a half-handled request).
        assert.ok(st.length > 0 || r.closedByServer, `${name}: neither answered nor closed in ${r.ms} ms`);
      }
      if (name.startsWith('pipelined: GET /healthz')) assert.equal(st[0], 200, `${name}: the first request is served`);
    }
    await assertAlive(`after round ${round + 1}`);
  }
});

test('the same handshakes all at once, twenty times over', async () => {
  const all = [];
  const n = VALGRIND ? 5 : 20;
  for (let i = 0; i < n; i++) {
    for (const chunks of Object.values(handshakes())) all.push(rawHttp(server.port, chunks, { timeoutMs: 5000 * SLOW, settleMs: 200 * SLOW }));
  }
  const results = await Promise.all(all);
  for (const r of results) assert.ok(statuses(r.text).length > 0 || r.closedByServer, `no answer: ${r.text.slice(0, 80)}`);
  await assertAlive('after the parallel handshakes');
});

test('a normal client joins and votes afterwards', async () => {
  const { c } = await joinAttendee(server, CODE, { label: 'after-cve', timeoutMs: 5000 * SLOW });
  const ack = await c.vote('q1', 'yes', 5000 * SLOW);
  assert.equal(ack.poll, 'q1');
  const t = await presenter.next('tally', (m) => m.poll === 'q1' && m.voters >= 1, 5000 * SLOW);
  assert.ok(t.counts.yes >= 1);
  await c.close();
});

test('Upgrade: WebSocket in another letter case is still a WebSocket upgrade (RFC 6455 4.2.1)', async () => {
  // Browsers send lower case; some clients and proxies send "WebSocket".
  for (const value of ['WebSocket', 'WEBSOCKET']) {
    const H = `Host: 127.0.0.1:${server.port}\r\n`;
    const r = await rawHttp(server.port, [`GET /ws HTTP/1.1\r\n${H}Upgrade: ${value}\r\nConnection: Upgrade\r\n` +
      `Origin: ${server.origin}\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`],
    { timeoutMs: 1500 * SLOW });
    assert.equal(statuses(r.text)[0], 101, `Upgrade: ${value}: got ${JSON.stringify(r.text.slice(0, 80))} (closed: ${r.closedByServer})`);
  }
  await assertAlive('after case variants');
});
