// metrics.test.mjs -- --metrics and GET /metrics: Prometheus text that
// Debian's `promtool check metrics` accepts, with the counters moving as
// phones join and vote and errors are answered; served to loopback clients
// only (a client behind a trusted proxy is not loopback), and absent without
// --metrics.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

import { CODE, SLIDE, Server, command, joinAttendee, joinPresenter, lanAddress } from './lib.mjs';

const promtool = spawnSync('promtool', ['--version']).status === 0;

// The value of one sample line ("name{labels} value"), or undefined.
function sample(text, series) {
  for (const line of text.split('\n')) {
    if (line.startsWith(series + ' ')) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

test('/metrics: Prometheus text that promtool accepts, counting votes, acks, errors and connections', async () => {
  const server = new Server({ args: ['--metrics'] });
  await server.start();
  try {
    const p = await joinPresenter(server);
    await command(p.c, { type: 'goto', slide: SLIDE.q1 }, (s) => s.poll?.status === 'open');
    const a = await joinAttendee(server);
    const b = await joinAttendee(server);
    await a.c.vote('q1', 'yes');
    await b.c.vote('q1', 'no');
    const bad = a.c.request({ type: 'vote', poll: 'nope', choice: 'yes' });
    await a.c.nextError(bad);
    await command(p.c, { type: 'goto', slide: SLIDE.q2 }, (s) => s.slide.index === SLIDE.q2);
    await a.c.next('state', (s) => s.slide.index === SLIDE.q2);

    const res = await server.get('/metrics');
    assert.equal(res.status, 200, res.body);
    assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
    const text = res.body;
    assert.equal(sample(text, 'handsup_votes_total'), 2);
    assert.equal(sample(text, 'handsup_acks_total'), 2);
    assert.equal(sample(text, 'handsup_errors_total{code="unknown_poll"}'), 1);
    assert.equal(sample(text, 'handsup_errors_total{code="rate_limited"}'), 0);
    assert.equal(sample(text, 'handsup_connections{role="attendee"}'), 2);
    assert.equal(sample(text, 'handsup_connections{role="presenter"}'), 1);
    assert.equal(sample(text, 'handsup_sessions'), 1);
    assert.equal(sample(text, `handsup_participants{session="${CODE}"}`), 2);
    assert.equal(sample(text, 'handsup_joins_total{role="attendee"}'), 2);
    assert.equal(sample(text, 'handsup_vote_commit_seconds_count'), 2);
    assert.equal(sample(text, 'handsup_vote_commit_seconds_bucket{le="+Inf"}'), 2);
    assert.ok(sample(text, 'handsup_fanout_seconds_count') >= 2, 'the slide change reached the phones');
    assert.match(text, /^handsup_build_info\{handsup="[^"]+",libwebsockets="[^"]+",.*sqlite="3\.[^"]+".*\} 1$/m);
    assert.match(text, /^handsup_rate_limited_total\{limit="messages"\} 0$/m);
    // Nothing in it names a key, a token or an address.
    assert.ok(!text.includes(server.key), 'no presenter key');
    assert.ok(!text.includes(a.welcome.participant), 'no participant token');
    assert.doesNotMatch(text, /127\.0\.0\.1/);
    if (promtool) {
      const check = spawnSync('promtool', ['check', 'metrics'], { input: text });
      assert.equal(check.status, 0, `promtool check metrics:\n${check.stdout}${check.stderr}`);
    }
    await a.c.close();
    await b.c.close();
    await p.c.close();
  } finally {
    await server.stop();
  }
});

test('promtool is installed (the README\'s test command installs prometheus)', { skip: !process.env.CI && !promtool && 'not installed here' }, () => {
  assert.ok(promtool, 'promtool not found: run sh .ci/dev test, which installs Debian\'s prometheus package');
});

test('/metrics is refused to clients that are not on loopback, and absent without --metrics', async () => {
  const lan = lanAddress();
  const server = new Server({ args: ['--metrics', '--trust-proxy', '127.0.0.1'], host: '0.0.0.0' });
  await server.start();
  try {
    assert.equal((await server.get('/metrics')).status, 200);
    // Through a trusted proxy, the client is whoever it forwards for.
    const proxied = await server.get('/metrics', { 'X-Forwarded-For': '203.0.113.7' });
    assert.equal(proxied.status, 403, proxied.body);
    if (lan) {
      const res = await fetch(`http://${lan}:${server.port}/metrics`, { signal: AbortSignal.timeout(3000) });
      assert.equal(res.status, 403, await res.text());
    }
  } finally {
    await server.stop();
  }
  const plain = new Server();
  await plain.start();
  try {
    const res = await plain.get('/metrics');
    assert.equal(res.status, 404);
    assert.doesNotMatch(res.body, /handsup_/);
  } finally {
    await plain.stop();
  }
});
