// nginx.test.mjs -- the reverse-proxy recipe of docs/deployment.md, run:
// Debian's nginx on loopback with deploy/nginx/handsup.conf (only the site's
// names, ports and certificate paths replaced) in front of handsup, and the
// vote flow through it over HTTPS/WSS: the upgrade headers pass, Origin and
// Host are accepted with --public-url (and refused without), X-Forwarded-For
// is believed with --trust-proxy so the per-address caps see the phone, not
// nginx, and idle WebSockets are kept open by handsup's pings however short
// the proxy's read timeout.  The Caddy example is checked by `caddy adapt`.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import WebSocket from 'ws';

import { CODE, Client, SLIDE, SOURCE_DIR, Server, command, freePort, httpsGet, joinAttendee, joinPresenter, lanAddress, sleep, tempDir } from './lib.mjs';
import { makeCA, makeCert } from './tls-lib.mjs';

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => spawnSync(p, ['-v']).status === 0);
const RECIPE = path.join(SOURCE_DIR, 'deploy', 'nginx', 'handsup.conf');
const skip = NGINX ? false : 'nginx is not installed (sh .ci/dev test installs it)';

const dir = tempDir('handsup-nginx-');
const ca = makeCA(dir);
const cert = makeCert(ca, dir, 'site', { cn: 'localhost' });

// The recipe with this machine's values: the test's ports instead of 80,
// 443 and 8080, localhost for vote.example.org, the test certificate, and
// IPv6 listens dropped (a container may have no IPv6).  Everything else is
// the file as shipped.
function site(recipe, { http, https, upstream, readTimeout }) {
  let text = recipe
    .replace(/^\s*listen \[::\]:\d+.*\n/gm, '')
    .replace(/listen 80;/, `listen 127.0.0.1:${http};`)
    .replace(/listen 443 ssl;/, `listen 0.0.0.0:${https} ssl;`)
    .replace(/server 127\.0\.0\.1:8080;/, `server 127.0.0.1:${upstream};`)
    .replace(/vote\.example\.org/g, 'localhost')
    .replace(/ssl_certificate +\S+;/, `ssl_certificate ${cert.cert};`)
    .replace(/ssl_certificate_key +\S+;/, `ssl_certificate_key ${cert.key};`)
    .replace(/root \/var\/www\/html;/, `root ${dir};`);
  if (readTimeout) text = text.replace(/proxy_read_timeout \S+;/, `proxy_read_timeout ${readTimeout};`);
  return text;
}

class Nginx {
  async start(opts) {
    this.prefix = path.join(dir, `nginx-${opts.https}`);
    mkdirSync(path.join(this.prefix, 'logs'), { recursive: true });
    writeFileSync(path.join(this.prefix, 'site.conf'), site(readFileSync(RECIPE, 'utf8'), opts));
    writeFileSync(path.join(this.prefix, 'nginx.conf'), [
      'worker_processes 1;', `pid ${this.prefix}/nginx.pid;`, 'error_log stderr warn;', 'daemon off;',
      'events { worker_connections 512; }',
      `http { access_log off; client_body_temp_path ${this.prefix}/body; proxy_temp_path ${this.prefix}/proxy;`,
      `  include ${this.prefix}/site.conf; }`, '',
    ].join('\n'));
    this.stderr = '';
    this.child = spawn(NGINX, ['-p', this.prefix, '-c', path.join(this.prefix, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child.stderr.setEncoding('utf8').on('data', (d) => { this.stderr += d; });
    this.exited = new Promise((r) => this.child.on('exit', (code) => r(code)));
    this.port = opts.https;
    this.httpPort = opts.http;
    const deadline = Date.now() + 10000;
    for (;;) {
      const up = await new Promise((resolve) => {
        const s = net.connect(opts.https, '127.0.0.1', () => { s.destroy(); resolve(true); });
        s.on('error', () => resolve(false));
      });
      if (up) return this;
      assert.ok(Date.now() < deadline && this.child.exitCode === null, `nginx did not start:\n${this.stderr}`);
      await sleep(50);
    }
  }

  async stop() {
    if (this.child?.exitCode === null) {
      this.child.kill('SIGQUIT');
      await this.exited;
    }
  }
}

// handsup and nginx in front of it; `front` looks like a Server to the
// helpers of lib.mjs (URLs and TLS trust point at nginx).
async function stack({ args = [], publicUrl = true, readTimeout } = {}) {
  const https = await freePort();
  const upstream = await freePort();
  const http = await freePort();
  const extra = publicUrl ? ['--public-url', `https://localhost:${https}`] : [];
  const server = new Server({ port: upstream, args: [...extra, ...args] });
  await server.start();
  const nginx = await new Nginx().start({ http, https, upstream, readTimeout });
  const front = {
    key: server.key,
    tls: { ca: ca.pem },
    origin: `https://localhost:${https}`,
    wsUrl: `wss://localhost:${https}/ws`,
    base: `https://localhost:${https}`,
  };
  return { server, nginx, front, async stop() { await nginx.stop(); await server.stop(); } };
}

test('the recipe is the one docs/deployment.md shows', () => {
  const doc = readFileSync(path.join(SOURCE_DIR, 'docs', 'deployment.md'), 'utf8');
  const recipe = readFileSync(RECIPE, 'utf8');
  const body = recipe.split('\n').filter((l) => !l.startsWith('#') && l.trim()).join('\n');
  const shown = doc.split('\n').filter((l) => !l.startsWith('#') && l.trim()).join('\n');
  assert.ok(shown.includes(body), 'docs/deployment.md shows deploy/nginx/handsup.conf verbatim');
});

test('the vote flow through nginx: HTTPS pages, WSS upgrade, Origin and Host with --public-url', { skip }, async () => {
  const s = await stack({ args: ['--trust-proxy', '127.0.0.1'] });
  try {
    const page = await httpsGet(`${s.front.base}/j/${CODE}`, { ca: ca.pem });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('strict-transport-security') || '', /max-age=31536000/);
    assert.match(page.headers.get('content-security-policy') || '', /default-src 'none'/, 'handsup\'s headers pass');
    // Any Upgrade but websocket becomes a plain request (CVE-2025-11677).
    const odd = await httpsGet(`${s.front.base}/`, { ca: ca.pem, headers: { Upgrade: 'foo', Connection: 'upgrade' } });
    assert.equal(odd.status, 200);
    const oddWs = await httpsGet(`${s.front.base}/ws`, { ca: ca.pem, headers: { Upgrade: 'h2c', Connection: 'upgrade' } });
    assert.notEqual(oddWs.status, 101);
    const redirect = await fetch(`http://127.0.0.1:${s.nginx.httpPort}/j/${CODE}`, { redirect: 'manual' });
    assert.equal(redirect.status, 301);
    assert.match(redirect.headers.get('location'), new RegExp(`^https://[^/]+/j/${CODE}$`));

    const p = await joinPresenter(s.front);
    await command(p.c, { type: 'goto', slide: SLIDE.q1 }, (x) => x.poll?.status === 'open');
    const a = await joinAttendee(s.front);
    const ack = await a.c.vote('q1', 'yes');
    assert.equal(ack.choice, 'yes');
    const tally = await p.c.next('tally', (t) => t.counts?.yes === 1);
    assert.equal(tally.voters, 1);
    await a.c.close();
    await p.c.close();
  } finally {
    await s.stop();
  }
});

test('without --public-url the proxied Origin is refused (403)', { skip }, async () => {
  const s = await stack({ publicUrl: false });
  try {
    await assert.rejects(Client.connect(s.front, { label: 'no public url' }), /403/);
  } finally {
    await s.stop();
  }
});

const lan = lanAddress();
test('X-Forwarded-For with --trust-proxy: the per-address cap counts the phone, not nginx', { skip: skip || (!lan && 'no LAN address to connect from') }, async () => {
  // The phone connects to nginx from this machine's LAN address, so nginx
  // forwards for a non-loopback address.
  for (const trust of [true, false]) {
    const s = await stack({ args: ['--max-conns-per-ip', '2', ...(trust ? ['--trust-proxy', '127.0.0.1'] : [])] });
    try {
      // Reach nginx over the LAN address; the certificate names localhost,
      // so connect by address and verify against the name.
      const conns = [];
      for (let i = 0; i < 3; i++) {
        conns.push(await new Promise((resolve) => {
          const ws = new WebSocket(`wss://${lan}:${s.nginx.port}/ws`, {
            headers: { Origin: s.front.origin, Host: `localhost:${s.nginx.port}` },
            ca: ca.pem, servername: 'localhost',
          });
          ws.once('open', () => resolve({ ok: true, ws }));
          ws.once('unexpected-response', (req, res) => { resolve({ ok: false, status: res.statusCode }); req.destroy(); });
          ws.once('error', (e) => resolve({ ok: false, error: e.message }));
        }));
      }
      const statuses = conns.map((c) => (c.ok ? 'open' : c.status || c.error));
      if (trust) assert.deepEqual(statuses, ['open', 'open', 503], 'the third from one phone is over its cap');
      else assert.deepEqual(statuses, ['open', 'open', 'open'], 'without --trust-proxy every phone is nginx, on loopback');
      for (const c of conns) c.ws?.terminate();
    } finally {
      await s.stop();
    }
  }
});

test('long-lived WebSockets: handsup\'s pings keep them open past the proxy\'s read timeout', { skip }, async () => {
  // The recipe allows an hour; here the proxy gets 2 s and handsup pings
  // after 1 s of silence, then (the control) after 30 s.
  for (const [ping, survives] of [['1', true], ['30', false]]) {
    const s = await stack({ args: ['--ping-interval', ping], readTimeout: '2s' });
    try {
      const a = await joinAttendee(s.front);
      await sleep(5000);
      if (survives) {
        assert.equal(a.c.closeInfo, undefined, 'still open after 5 s idle');
        const again = await joinPresenter(s.front);
        await command(again.c, { type: 'goto', slide: SLIDE.q1 }, (x) => x.poll?.status === 'open');
        await a.c.vote('q1', 'no');
        await again.c.close();
        await a.c.close();
      } else {
        assert.ok(a.c.closeInfo, 'the control: without pings the proxy cuts the idle WebSocket');
      }
    } finally {
      await s.stop();
    }
  }
});

const caddy = spawnSync('caddy', ['version']).status === 0;
test('the Caddy example is a valid Caddyfile', { skip: !caddy && 'caddy is not installed' }, () => {
  const r = spawnSync('caddy', ['adapt', '--config', path.join(SOURCE_DIR, 'deploy', 'caddy', 'Caddyfile'), '--adapter', 'caddyfile']);
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  const json = JSON.parse(r.stdout.toString());
  const route = JSON.stringify(json);
  assert.match(route, /"dial":"127\.0\.0\.1:8080"/);
});
