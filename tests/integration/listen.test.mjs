// listen.test.mjs -- which addresses `handsup serve` listens on: without
// --host, IPv4 and IPv6 alike (a client that resolves "localhost" to ::1
// connects); with an IPv4 --host, that address only (lws with IPv6 on would
// silently listen everywhere); with an IPv6 --host, that address, and the
// printed links put it in brackets.
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';

import { CODE, Client, KEY, Server, deck, startServer, tempDir } from './lib.mjs';

// Whether this machine can listen on ::1 at all (a kernel without IPv6).
const hasIpv6 = await new Promise((resolve) => {
  const s = net.createServer();
  s.once('error', () => resolve(false));
  s.listen(0, '::1', () => s.close(() => resolve(true)));
});
const skip = hasIpv6 ? false : 'this machine has no IPv6 loopback';

// Resolves with 'open' or the connection error's code.
function tcpProbe(host, port) {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port, autoSelectFamily: false });
    sock.setTimeout(2000, () => { sock.destroy(); resolve('timeout'); });
    sock.once('connect', () => { sock.destroy(); resolve('open'); });
    sock.once('error', (e) => resolve(e.code));
  });
}

async function healthz(base) {
  const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(3000) });
  await res.text();
  return res.status;
}

// Joins the session over base (http://addr:port) and votes; returns the ack.
async function joinAndVote(server, base, choice) {
  const c = await Client.connect(server, { origin: base, url: `${base.replace('http', 'ws')}/ws`, label: base });
  try {
    const p = await Client.connect(server, { origin: base, url: `${base.replace('http', 'ws')}/ws`, label: 'presenter' });
    p.request({ type: 'join', code: CODE, key: KEY });
    await p.next('welcome');
    p.request({ type: 'goto', slide: 2 });
    p.request({ type: 'open' });
    await p.next('state', (m) => m.poll?.status === 'open');
    c.request({ type: 'join', code: CODE });
    await c.next('welcome');
    await c.next('state', (m) => m.poll?.status === 'open');
    const id = c.request({ type: 'vote', poll: 'q1', choice });
    const ack = await c.next(['ack', 'error'], (m) => m.id === id);
    p.ws.close();
    return ack;
  } finally {
    c.ws.close();
  }
}

test('without --host: IPv4 and IPv6 loopback both answer, and a phone can vote over ::1', { skip }, async () => {
  const data = path.join(tempDir(), 'handsup.db');
  const server = new Server({ argv: ['--port', '0', '--data', data, '--presenter-key', KEY, deck('basic.md')], port: 0 });
  await server.start();
  try {
    assert.equal(await healthz(`http://127.0.0.1:${server.port}`), 200);
    assert.equal(await healthz(`http://[::1]:${server.port}`), 200);
    const ack = await joinAndVote(server, `http://[::1]:${server.port}`, 'yes');
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
  } finally {
    await server.stop();
  }
});

test('--host 127.0.0.1 listens there only: nothing on ::1', { skip }, async () => {
  const server = await startServer({ host: '127.0.0.1' });
  try {
    assert.equal(await tcpProbe('127.0.0.1', server.port), 'open');
    assert.equal(await tcpProbe('::1', server.port), 'ECONNREFUSED');
  } finally {
    await server.stop();
  }
});

test('--host ::1 listens there only, and the printed links bracket the address', { skip }, async () => {
  const server = await startServer({ host: '::1' });
  try {
    assert.match(server.stdout, new RegExp(`http://\\[::1\\]:${server.port}/j/${CODE}`));
    assert.equal(await tcpProbe('127.0.0.1', server.port), 'ECONNREFUSED');
    const ack = await joinAndVote(server, server.base, 'no');
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
  } finally {
    await server.stop();
  }
});
