// tls.test.mjs -- HTTPS and WSS on one port (--tls-cert/--tls-key): a
// throwaway CA made with the openssl command line signs the certificates; a
// client that verifies them against that CA votes over WSS; HSTS is on every
// answer; a missing, unreadable, mismatched or expired certificate stops the
// start with a sentence naming the file; SIGHUP loads a renewed certificate
// without dropping a connection, and keeps the old one when the new is bad.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { after, before, test } from 'node:test';

import { BIN, CODE, SLIDE, Server, command, deck, httpsGet, joinAttendee, joinPresenter, runCli, sleep, tempDir } from './lib.mjs';
import { makeCA, makeCert, serialOf } from './tls-lib.mjs';

const dir = tempDir('handsup-tls-');
const ca = makeCA(dir);
const good = makeCert(ca, dir, 'good');
const renewed = makeCert(ca, dir, 'renewed');
const other = makeCert(ca, dir, 'other');
const expired = makeCert(ca, dir, 'expired', { fromMs: -3 * 86400e3, toMs: -86400e3 });
// The server reads these paths; the originals stay for the swaps below.
const live = { cert: path.join(dir, 'live.pem'), key: path.join(dir, 'live.key') };
copyFileSync(good.cert, live.cert);
copyFileSync(good.key, live.key);

let server;
before(async () => {
  server = new Server({ tls: { ...live, ca: ca.pem } });
  await server.start();
});
after(async () => { await server?.stop(); });

// The serial of the certificate a fresh TLS connection is shown.
function servedSerial() {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port: server.port, ca: ca.pem, servername: 'localhost' }, () => {
      const serial = s.getPeerCertificate().serialNumber.toUpperCase();
      s.end();
      resolve(serial);
    });
    s.on('error', reject);
  });
}

test('a verifying client joins and votes over WSS, and pages come over HTTPS with HSTS', async () => {
  assert.match(server.stdout, new RegExp(`attendees: +https://[^ ]+:${server.port}/j/${CODE}`), server.output());
  const res = await server.get(`/j/${CODE}`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('strict-transport-security') || '', /^max-age=\d{7,}/);
  const p = await joinPresenter(server);
  await command(p.c, { type: 'goto', slide: SLIDE.q1 }, (s) => s.poll?.status === 'open');
  const a = await joinAttendee(server);
  const ack = await a.c.vote('q1', 'yes');
  assert.equal(ack.choice, 'yes');
  await a.c.close();
  await p.c.close();
});

test('plain HTTP gets no HSTS header', async () => {
  const plain = new Server();
  await plain.start();
  try {
    const res = await plain.get('/');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('strict-transport-security'), null);
  } finally {
    await plain.stop();
  }
});

test('a client that does not trust the CA is refused by its own check', async () => {
  await assert.rejects(httpsGet(server.url('/healthz')), /self.signed|unable to (get|verify)/i);
});

test('SIGHUP loads a renewed certificate; open connections keep working', async () => {
  assert.equal(await servedSerial(), serialOf(good.cert));
  const a = await joinAttendee(server);
  copyFileSync(renewed.cert, live.cert);
  copyFileSync(renewed.key, live.key);
  server.child.kill('SIGHUP');
  const deadline = Date.now() + 5000;
  while (await servedSerial() !== serialOf(renewed.cert)) {
    assert.ok(Date.now() < deadline, `the renewed certificate is not served\n${server.output()}`);
    await sleep(50);
  }
  assert.match(server.stderr, /level=info msg="TLS certificate reloaded"/);
  // The connection opened before the reload still works both ways.
  await a.c.vote('q1', 'no');
  await a.c.close();
});

test('SIGHUP with a broken certificate keeps serving the previous one', async () => {
  const before = await servedSerial();
  copyFileSync(other.cert, live.cert); // other's certificate, renewed's key: a mismatch
  server.child.kill('SIGHUP');
  const deadline = Date.now() + 5000;
  while (!/TLS reload refused/.test(server.stderr)) {
    assert.ok(Date.now() < deadline, `no refusal logged\n${server.output()}`);
    await sleep(50);
  }
  assert.match(server.stderr, /level=error msg="TLS reload refused; still serving the previous certificate" error="--tls-key \S+ is not the private key of --tls-cert/);
  assert.equal(await servedSerial(), before);
  const res = await server.get('/healthz');
  assert.equal(res.status, 200);
  copyFileSync(renewed.cert, live.cert);
});

// Starts a TLS server that must refuse to start; returns its stderr.
async function refused(cert, key, { asNobody = false } = {}) {
  const args = ['serve', '--port', '0', '--host', '127.0.0.1', '--data', path.join(tempDir(), 'h.db'),
    '--tls-cert', cert, '--tls-key', key, deck('basic.md')];
  let r;
  if (asNobody) {
    // Root reads any file; the service's own user would not.
    r = await new Promise((resolve) => {
      try {
        const out = execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', BIN, ...args],
          { stdio: ['ignore', 'pipe', 'pipe'], timeout: 10000 });
        resolve({ code: 0, stdout: out.toString(), stderr: '' });
      } catch (e) {
        resolve({ code: e.status, stdout: String(e.stdout), stderr: String(e.stderr) });
      }
    });
  } else {
    r = await runCli(args);
  }
  assert.equal(r.code, 1, `expected exit 1\n${r.stdout}\n${r.stderr}`);
  assert.doesNotMatch(r.stdout, /join code/, 'nothing was served');
  return r.stderr;
}

test('a missing certificate or key stops the start with a clear error', async () => {
  assert.match(await refused(path.join(dir, 'nope.pem'), good.key),
    /^handsup: cannot read --tls-cert \S+nope\.pem: No such file or directory$/m);
  assert.match(await refused(good.cert, path.join(dir, 'nope.key')),
    /^handsup: cannot read --tls-key \S+nope\.key: No such file or directory$/m);
});

test('an unreadable certificate stops the start', { skip: process.getuid?.() !== 0 && 'needs root to switch user' }, async () => {
  const locked = path.join(dir, 'locked.pem');
  copyFileSync(good.cert, locked);
  chmodSync(locked, 0o600);
  chmodSync(dir, 0o755);
  assert.match(await refused(locked, good.key, { asNobody: true }),
    /^handsup: cannot read --tls-cert \S+locked\.pem: Permission denied$/m);
});

test('a file that is not a certificate, a mismatched key and an expired certificate are refused', async () => {
  const junk = path.join(dir, 'junk.pem');
  writeFileSync(junk, 'not a certificate\n');
  assert.match(await refused(junk, good.key), /^handsup: --tls-cert \S+junk\.pem holds no PEM certificate/m);
  assert.match(await refused(good.cert, other.key),
    /^handsup: --tls-key \S+other\.key is not the private key of --tls-cert \S+good\.pem$/m);
  assert.match(await refused(expired.cert, expired.key), /^handsup: --tls-cert \S+expired\.pem expired on .*20\d\d GMT/m);
});

test('--tls-cert without --tls-key is a usage error', async () => {
  const r = await runCli(['serve', '--tls-cert', good.cert, deck('basic.md')]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--tls-cert needs --tls-key/);
});
