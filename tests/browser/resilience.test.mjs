// resilience.test.mjs -- the attendee page across a server restart (SIGTERM,
// then the same port and data file): it shows the reconnecting indicator,
// comes back by itself with its vote, and a vote tapped while the server was
// down is sent again and acknowledged once the server is back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  CODE, PHONE, SLIDE, assertQuiet, expectAttr, expectState, expectText, joinPresenter,
  launchBrowser, openPoll, startDeckServer, watch,
} from './browser-lib.mjs';

// Chromium logs each refused WebSocket while the server is down.
const DOWN_NOISE = [/WebSocket connection to .* failed/, /ERR_CONNECTION_REFUSED/];
// The page backs off up to a few seconds between attempts.
const RECONNECT_MS = 20000;

let browser;
let server;

before(async () => {
  browser = await launchBrowser();
  server = await startDeckServer();
  const { c } = await joinPresenter(server);
  await openPoll(c, SLIDE.coffee);
  await c.close();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// Restarts the same server (same port, same data file) and returns the
// coffee poll's tally as a fresh presenter sees it.
async function restartAndTally(predicate) {
  await server.start();
  const { c } = await joinPresenter(server);
  try {
    return await c.next('tally', (m) => m.poll === 'coffee' && predicate(m), RECONNECT_MS);
  } finally {
    await c.close();
  }
}

async function joinedPhone() {
  const ctx = await browser.newContext(PHONE);
  const page = await ctx.newPage();
  const w = watch(page);
  await page.goto(server.url(`/j/${CODE}`));
  await expectText(page, '#poll-status', 'Voting is open');
  return { ctx, page, w };
}

test('the page shows it is reconnecting, comes back after a restart and keeps its vote', async () => {
  const { ctx, page, w } = await joinedPhone();
  try {
    await page.tap('[data-choice="yes"]');
    await expectText(page, '#my-vote', /^Your vote: YES\b/);
    await expectState(page, '#conn-status', 'hidden');

    await server.stop();
    await expectText(page, '#conn-status', 'Reconnecting…');
    // What the phone showed stays on screen while it is away.
    await expectText(page, '#my-vote', /^Your vote: YES\b/);

    const t = await restartAndTally((m) => m.voters === 1);
    assert.deepEqual([t.counts.yes, t.counts.no, t.participants], [1, 0, 1]);
    await expectState(page, '#conn-status', 'hidden', RECONNECT_MS);
    await expectAttr(page, '#conn-status', 'data-state', 'open');
    await expectText(page, '#poll-status', 'Voting is open');
    await expectText(page, '#my-vote', /^Your vote: YES\b/);
    await expectAttr(page, '[data-choice="yes"]', 'aria-pressed', 'true');
    assertQuiet(w, DOWN_NOISE);
  } finally {
    await ctx.close();
  }
});

test('a vote tapped while the server is down is sent after the restart and acknowledged', async () => {
  const { ctx, page, w } = await joinedPhone();
  try {
    await page.tap('[data-choice="yes"]');
    await expectText(page, '#my-vote', /^Your vote: YES\b/);

    await server.stop();
    await expectText(page, '#conn-status', 'Reconnecting…');
    await page.tap('[data-choice="no"]');
    await expectText(page, '#my-vote', /^Sending your vote: NO/);
    await expectAttr(page, '[data-choice="no"]', 'aria-pressed', 'true');

    // Two phones have voted: the first test's YES and this phone's NO.
    const t = await restartAndTally((m) => m.counts.no === 1);
    assert.deepEqual([t.counts.yes, t.counts.no, t.voters, t.participants], [1, 1, 2, 2]);
    await expectText(page, '#my-vote', /^Your vote: NO\b/, { timeout: RECONNECT_MS });
    await expectState(page, '#conn-status', 'hidden');
    assert.equal(await page.getAttribute('[data-choice="yes"]', 'aria-pressed'), 'false');
    assertQuiet(w, DOWN_NOISE);
  } finally {
    await ctx.close();
  }
});
