// cluster-start.test.mjs -- a node checks Redis's durability at start (DESIGN.md
// section 12, docs/cluster.md "Redis"): without `appendonly yes` or without
// `appendfsync always` it refuses to start (exit status 2, a message naming the
// setting), before it listens; with --redis-allow-unsafe it starts and warns
// loudly on stderr. A Redis that has both starts silently.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CODE, deck, freePort, joinAttendee, joinPresenter, runCli, command, SLIDE } from './lib.mjs';
import { Node, skipWithoutRedis, startRedis } from './cluster-lib.mjs';

const skip = skipWithoutRedis;

// Runs `serve --redis` against r; a node that does not refuse is killed after
// 4 s, which the assertions then report.
async function serveOnce(r, extra = []) {
  const port = await freePort();
  return runCli(['serve', '--host', '127.0.0.1', '--port', String(port), '--redis', r.url, ...extra, deck('basic.md')], { timeoutMs: 4000 });
}

test('appendonly no: refused with status 2, naming appendonly', { skip }, async () => {
  const r = await startRedis({ args: ['--appendonly', 'no', '--save', ''] });
  try {
    const res = await serveOnce(r);
    assert.equal(res.signal, null, `the node started instead of refusing (killed after 4 s)\n${res.stderr}`);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /^handsup: .*appendonly/m, 'the message names appendonly');
    assert.doesNotMatch(res.stdout, /listening on port/);
  } finally {
    await r.stop();
  }
});

test('appendonly yes but appendfsync everysec: refused with status 2, naming appendfsync', { skip }, async () => {
  const r = await startRedis({ args: ['--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''] });
  try {
    const res = await serveOnce(r);
    assert.equal(res.signal, null, `the node started instead of refusing\n${res.stderr}`);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /^handsup: .*appendfsync/m, 'the message names appendfsync');
    assert.doesNotMatch(res.stdout, /listening on port/);
    // Redis's setting, not ours: the node changed nothing.
    assert.match((await r.cli(['config', 'get', 'appendfsync'])).stdout, /everysec/);
  } finally {
    await r.stop();
  }
});

test('--redis-allow-unsafe starts on an unsafe Redis with a loud warning, and votes work', { skip }, async () => {
  const r = await startRedis({ args: ['--appendonly', 'no', '--save', ''] });
  const node = new Node({ redis: r, args: ['--redis-allow-unsafe'] });
  try {
    await node.start();
    assert.match(node.stderr, /warning/i, 'a warning on stderr');
    assert.match(node.stderr, /appendonly|appendfsync/, 'the warning names the setting');
    const { c: p } = await joinPresenter(node);
    await command(p, { type: 'goto', slide: SLIDE.q1 }, (s) => s.poll?.status === 'open');
    const a = await joinAttendee(node, CODE);
    await a.c.vote('q1', 'yes');
    a.c.close();
    p.close();
    await node.stop();
  } finally {
    await node.kill();
    await r.stop();
  }
});

test('a safe Redis: the node starts without a warning about it', { skip }, async () => {
  const r = await startRedis();
  const node = new Node({ redis: r });
  try {
    await node.start();
    assert.doesNotMatch(node.stderr, /appendonly|appendfsync|unsafe/i, node.stderr);
    await node.stop();
  } finally {
    await node.kill();
    await r.stop();
  }
});

test('no Redis at the URL: the node does not serve a room it cannot record', { skip }, async () => {
  const port = await freePort();
  const res = await runCli(['serve', '--host', '127.0.0.1', '--port', String(await freePort()),
    '--redis', `redis://127.0.0.1:${port}`, deck('basic.md')], { timeoutMs: 15000 });
  assert.equal(res.signal, null, `still running 15 s later without a Redis\n${res.stderr}`);
  assert.notEqual(res.code, 0, res.stderr);
  assert.match(res.stderr, /^handsup: .*(redis|Redis)/m, res.stderr);
});
