// cluster-balancer.test.mjs -- the balancer configurations of docs/cluster.md,
// run: HAProxy with deploy/haproxy/handsup.cfg and nginx with
// deploy/nginx/handsup-cluster.conf (only the site's names, ports, node
// addresses and certificate paths replaced, and HAProxy's chroot, user and
// daemon lines dropped for a test run) in front of two nodes on one Redis,
// over HTTPS/WSS: a presenter and phones vote through the balancer, the phones
// land on both nodes, node A is killed with -9, its phones reconnect through
// the same URL with their tokens to node B and keep their votes, and votes go
// on. The documents show the files verbatim.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';

import { CODE, SLIDE, SOURCE_DIR, command, freePort, httpsGet, joinAttendee, joinPresenter, pool, sleep, tempDir } from './lib.mjs';
import { makeCA, makeCert } from './tls-lib.mjs';
import { skipWithoutRedis, startCluster, within } from './cluster-lib.mjs';

const HAPROXY = ['/usr/sbin/haproxy', '/usr/bin/haproxy'].find((p) => spawnSync(p, ['-v']).status === 0);
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => spawnSync(p, ['-v']).status === 0);
const HAPROXY_CFG = path.join(SOURCE_DIR, 'deploy', 'haproxy', 'handsup.cfg');
const NGINX_CFG = path.join(SOURCE_DIR, 'deploy', 'nginx', 'handsup-cluster.conf');
const PHONES = 24;

const dir = tempDir('handsup-balancer-');
const ca = makeCA(dir);
const cert = makeCert(ca, dir, 'site', { cn: 'localhost' });
const pem = path.join(dir, 'site-combined.pem');
writeFileSync(pem, readFileSync(cert.cert, 'utf8') + readFileSync(cert.key, 'utf8'));

function haproxyConfig(text, { http, https, nodes }) {
  let n = 0;
  return text
    .replace(/^\s*(log \/dev\/log.*|chroot .*|user .*|group .*|daemon)\n/gm, '')
    .replace(/^(\s*)bind :80$/m, `$1bind 127.0.0.1:${http}`)
    .replace(/^(\s*)bind :443 ssl crt \S+/m, `$1bind 127.0.0.1:${https} ssl crt ${pem}`)
    .replace(/^(\s*server node\d+) \S+/gm, (m, head) => `${head} 127.0.0.1:${nodes[n++]}`)
    .replace(/^(\s*)maxconn 200000/m, '$1maxconn 2000')
    .replace(/maxconn 50000/, 'maxconn 1000');
}

function nginxConfig(text, { http, https, nodes, prefix }) {
  let n = 0;
  const site = text
    .replace(/^\s*listen \[::\]:\d+.*\n/gm, '')
    .replace(/listen 80;/, `listen 127.0.0.1:${http};`)
    .replace(/listen 443 ssl;/, `listen 127.0.0.1:${https} ssl;`)
    .replace(/server 10\.0\.0\.\d+:8080/g, () => `server 127.0.0.1:${nodes[n++]}`)
    .replace(/vote\.example\.org/g, 'localhost')
    .replace(/ssl_certificate +\S+;/, `ssl_certificate ${cert.cert};`)
    .replace(/ssl_certificate_key +\S+;/, `ssl_certificate_key ${cert.key};`)
    .replace(/root \/var\/www\/html;/, `root ${dir};`);
  return [
    'worker_processes 1;', `pid ${prefix}/nginx.pid;`, 'error_log stderr warn;', 'daemon off;',
    'events { worker_connections 1024; }',
    `http { access_log off; client_body_temp_path ${prefix}/body; proxy_temp_path ${prefix}/proxy;`,
    site, '}', '',
  ].join('\n');
}

// As docs/cluster.md runs every node behind the balancer.
const nodeArgs = (https) => ['--public-url', `https://localhost:${https}`, '--trust-proxy', '127.0.0.1'];

async function waitPort(port, child, what) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const up = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (up) return;
    assert.ok(Date.now() < deadline && child.exitCode === null, `${what} did not start:\n${child.log}`);
    await sleep(50);
  }
}

function run(bin, args) {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.log = '';
  child.stdout.setEncoding('utf8').on('data', (d) => { child.log += d; });
  child.stderr.setEncoding('utf8').on('data', (d) => { child.log += d; });
  child.done = new Promise((r) => child.on('exit', r));
  process.on('exit', () => child.kill('SIGKILL'));
  return child;
}

// A phone votes once its own node shows q1 open, as the page does (a node
// learns of a move made on another node milliseconds later).
async function whenOpen(c, poll = 'q1') {
  const open = (s) => s?.poll?.id === poll && s.poll.status === 'open';
  if (!open(c.latest.state)) await c.next('state', open, 5000);
}

// Votes through the balancer at `front`, kills node A, and checks the phones
// come back through the balancer onto B with their votes.
async function throughBalancer(t, cl, front, what) {
  const [A, B] = cl.nodes;
  const page = await httpsGet(`${front.base}/j/${CODE}`, { ca: ca.pem });
  assert.equal(page.status, 200, `${what}: the attendee page`);
  const odd = await httpsGet(`${front.base}/`, { ca: ca.pem, headers: { Upgrade: 'foo', Connection: 'upgrade' } });
  assert.equal(odd.status, 200, `${what}: another Upgrade becomes a plain request`);
  const { c: p } = await joinPresenter(front, CODE, A.key);
  await command(p, { type: 'goto', slide: SLIDE.q1 }, (s) => s.poll?.id === 'q1' && s.poll.status === 'open');
  if (p.latest.state.poll.status !== 'open') await command(p, { type: 'open' }, (s) => s.poll?.status === 'open');
  const phones = await pool(Array.from({ length: PHONES }, (_, i) => i), 6, async (i) => {
    const { c, welcome } = await joinAttendee(front, CODE, { label: `${what}-phone${i}` });
    await whenOpen(c);
    const choice = i % 3 ? 'yes' : 'no';
    await c.vote('q1', choice);
    return { c, token: welcome.participant, choice };
  });
  const tl = await p.next('tally', (x) => x.poll === 'q1' && x.connected >= PHONES, 5000);
  assert.equal(tl.connected, PHONES, `${what}: every phone is counted`);
  // Node A dies; which phones were on it shows.
  await A.kill();
  const killedAt = Date.now();
  await sleep(500);
  const dropped = phones.filter((ph) => ph.c.closeInfo);
  t.diagnostic(`${what}: ${dropped.length} of ${PHONES} phones were on node A`);
  assert.ok(dropped.length > 0 && dropped.length < PHONES, `${what}: the balancer spread phones over both nodes (${dropped.length} of ${PHONES} on A)`);
  await within(Promise.all(dropped.map(async (ph) => {
    const again = await joinAttendee(front, CODE, { participant: ph.token, label: 'again', timeoutMs: 10000 });
    assert.equal(again.welcome.participant, ph.token, `${what}: token kept through the balancer`);
    assert.equal(again.state.myVote, ph.choice, `${what}: vote kept`);
    ph.c = again.c;
  })), 15000, `${what}: phones of A not back through the balancer within 15 s`);
  t.diagnostic(`${what}: phones of A back on B through the balancer ${Date.now() - killedAt} ms after the kill`);
  // Votes go on through the balancer (the presenter may have been on A).
  const { c: p2 } = await joinPresenter(front, CODE, B.key, { label: 'presenter2' });
  await pool(phones, 6, async (ph) => {
    ph.choice = ph.choice === 'yes' ? 'no' : 'yes';
    await ph.c.vote('q1', ph.choice);
  });
  const want = { yes: phones.filter((ph) => ph.choice === 'yes').length, no: phones.filter((ph) => ph.choice === 'no').length };
  const last = await p2.next('tally', (x) => x.poll === 'q1' && x.counts.yes === want.yes && x.counts.no === want.no, 5000);
  assert.equal(last.voters, PHONES);
  phones.forEach((ph) => ph.c.close());
  p.close();
  p2.close();
  await A.restart();
}

test('the shipped configurations are the ones docs/cluster.md shows', () => {
  const doc = readFileSync(path.join(SOURCE_DIR, 'docs', 'cluster.md'), 'utf8');
  for (const file of [HAPROXY_CFG, NGINX_CFG]) {
    const body = readFileSync(file, 'utf8').split('\n').filter((l) => !l.startsWith('#') && l.trim()).join('\n');
    const shown = doc.split('\n').filter((l) => !l.startsWith('#') && l.trim()).join('\n');
    assert.ok(shown.includes(body), `docs/cluster.md shows ${path.relative(SOURCE_DIR, file)} verbatim`);
  }
});

test('HAProxy with deploy/haproxy/handsup.cfg in front of two nodes', { skip: skipWithoutRedis || (HAPROXY ? false : 'haproxy is not installed') }, async (t) => {
  const http = await freePort();
  const https = await freePort();
  const cl = await startCluster({ n: 2, args: nodeArgs(https) });
  const cfg = path.join(dir, 'haproxy.cfg');
  writeFileSync(cfg, haproxyConfig(readFileSync(HAPROXY_CFG, 'utf8'), { http, https, nodes: cl.nodes.map((n) => n.port) }));
  const check = spawnSync(HAPROXY, ['-c', '-f', cfg], { encoding: 'utf8' });
  assert.equal(check.status, 0, `haproxy -c:\n${check.stdout}${check.stderr}`);
  const hap = run(HAPROXY, ['-db', '-f', cfg]);
  try {
    await waitPort(https, hap, 'haproxy');
    const front = { key: cl.nodes[0].key, tls: { ca: ca.pem }, origin: `https://localhost:${https}`, wsUrl: `wss://localhost:${https}/ws`, base: `https://localhost:${https}` };
    // Plain HTTP is redirected to HTTPS.
    const plain = await fetch(`http://127.0.0.1:${http}/j/${CODE}`, { redirect: 'manual' });
    assert.equal(plain.status, 301);
    await throughBalancer(t, cl, front, 'haproxy');
    await cl.stop();
  } finally {
    hap.kill('SIGKILL');
    await hap.done;
    await cl.kill();
  }
});

test('nginx with deploy/nginx/handsup-cluster.conf in front of two nodes', { skip: skipWithoutRedis || (NGINX ? false : 'nginx is not installed') }, async (t) => {
  const http = await freePort();
  const https = await freePort();
  const cl = await startCluster({ n: 2, args: nodeArgs(https) });
  const prefix = path.join(dir, 'nginx');
  mkdirSync(path.join(prefix, 'logs'), { recursive: true });
  const conf = path.join(prefix, 'nginx.conf');
  writeFileSync(conf, nginxConfig(readFileSync(NGINX_CFG, 'utf8'), { http, https, nodes: cl.nodes.map((n) => n.port), prefix }));
  const ngx = run(NGINX, ['-p', prefix, '-c', conf]);
  try {
    await waitPort(https, ngx, 'nginx');
    const front = { key: cl.nodes[0].key, tls: { ca: ca.pem }, origin: `https://localhost:${https}`, wsUrl: `wss://localhost:${https}/ws`, base: `https://localhost:${https}` };
    await throughBalancer(t, cl, front, 'nginx');
    await cl.stop();
  } finally {
    ngx.kill('SIGQUIT');
    await Promise.race([ngx.done, sleep(3000)]);
    ngx.kill('SIGKILL');
    await cl.kill();
  }
});
