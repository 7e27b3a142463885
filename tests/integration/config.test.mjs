// config.test.mjs -- running it as a service: --config FILE (one
// `option = value` a line, `deck = path` for decks) with every serve option
// usable there and the command line winning; errors naming file:line;
// --version naming the libraries; logfmt lines on stderr at --log-level,
// without keys, tokens or addresses.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { CODE, KEY, SLIDE, Server, command, deck, freePort, joinAttendee, joinPresenter, runCli, tempDir, writeTemp } from './lib.mjs';

// logfmt as log.c writes it: key=value or key="quoted \" value".
function parseLogfmt(line) {
  const out = {};
  const re = /([a-z_]+)=("((?:[^"\\]|\\.)*)"|\S*)/g;
  let m;
  while ((m = re.exec(line))) out[m[1]] = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[2];
  return out;
}

test('--config: options and decks from a file, the command line wins', async () => {
  const dir = tempDir();
  const port = await freePort();
  const conf = writeTemp(dir, 'handsup.conf', [
    '# a comment, then blank lines',
    '',
    `port = ${port}`,
    'host = 127.0.0.1',
    `data = ${path.join(dir, 'h.db')}`,
    `presenter-key = "${KEY}"`,
    'metrics = yes',
    'reuse-port = no',
    'public-url = http://vote.example.org',
    'log-level = warn',
    `deck = ${deck('basic.md')}`,
    '',
  ].join('\n'));
  const server = new Server({ argv: ['--config', conf, '--public-url', `http://127.0.0.1:${port}`], port });
  server.key = KEY;
  await server.start();
  try {
    // public-url from the command line replaced the file's.
    assert.match(server.stdout, new RegExp(`attendees: +http://127\\.0\\.0\\.1:${port}/j/${CODE}`), server.output());
    assert.equal((await server.get('/metrics')).status, 200, 'metrics = yes');
    const p = await joinPresenter(server);
    await command(p.c, { type: 'goto', slide: SLIDE.q1 }, (s) => s.poll?.status === 'open');
    const a = await joinAttendee(server);
    await a.c.vote('q1', 'yes');
    await a.c.close();
    await p.c.close();
  } finally {
    await server.stop();
  }
  // log-level = warn: the info lines (serving, stopping) were not written.
  assert.doesNotMatch(server.stderr, /level=info/, server.stderr);
});

test('--config errors name the file and line', async () => {
  const dir = tempDir();
  const cases = [
    ['prot = 80\n', /handsup\.conf:1: unknown option 'prot'/],
    ['# ok\nport 80\n', /handsup\.conf:2: expected 'option = value'/],
    ['metrics = perhaps\n', /handsup\.conf:1: metrics takes yes or no, not 'perhaps'/],
    ['port =\n', /handsup\.conf:1: port needs a value/],
    ['config = other.conf\n', /handsup\.conf:1: unknown option 'config' here/],
    ['port = 99999\n', /--port needs a number from 0 to 65535, not '99999'/],
  ];
  for (const [text, re] of cases) {
    const conf = writeTemp(dir, 'handsup.conf', text);
    const r = await runCli(['serve', '--config', conf, deck('basic.md')]);
    assert.equal(r.code, 2, `${JSON.stringify(text)}: exit ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, re, JSON.stringify(text));
  }
  const missing = await runCli(['serve', '--config', path.join(dir, 'nope.conf')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot read --config \S+nope\.conf: No such file or directory/);
});

test('--version names the version and the libraries', async () => {
  const r = await runCli(['--version']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^handsup \d+\.\d+\.\d+\n/);
  for (const lib of ['libwebsockets', 'libev', 'openssl', 'sqlite', 'jansson', 'cmark-gfm', 'poppler', 'cairo', 'libqrencode']) {
    assert.match(r.stdout, new RegExp(`^  ${lib} +\\S+`, 'm'), lib);
  }
});

test('logs are logfmt, one line per event, without keys, tokens or addresses', async () => {
  const server = new Server({ args: ['--log-level', 'debug'] });
  await server.start();
  const p = await joinPresenter(server);
  const a = await joinAttendee(server);
  // A refused upgrade is logged (and must not name who was refused).
  const { Client } = await import('./lib.mjs');
  await assert.rejects(Client.connect(server, { origin: 'http://evil.example' }), /403/);
  await a.c.close();
  await p.c.close();
  await server.stop();
  const lines = server.stderr.split('\n').filter(Boolean);
  assert.ok(lines.length >= 3, server.stderr);
  for (const line of lines) {
    const f = parseLogfmt(line);
    assert.match(f.ts || '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, line);
    assert.match(f.level || '', /^(debug|info|warn|error)$/, line);
    assert.ok(f.msg, line);
  }
  assert.ok(lines.some((l) => parseLogfmt(l).msg === 'refused a WebSocket from a foreign origin or host'));
  assert.ok(!server.stderr.includes(KEY), 'no presenter key');
  assert.ok(!server.stderr.includes(a.welcome.participant), 'no participant token');
  assert.doesNotMatch(server.stderr, /\b127\.0\.0\.1\b|::1\b/, 'no address');
  assert.match(server.stdout, /join code/, 'the banner stays human text on stdout');
});
