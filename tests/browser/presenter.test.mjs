// presenter.test.mjs -- the presenter view on a projector-sized window,
// driven by the keyboard: it steps through the deck, shows exact counts after
// scripted votes, keeps hidden results hidden until R, stays in sync with a
// second presenter window, and exports with the key in an Authorization
// header, never in a request URL.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';

import {
  CODE, KEY, PROJECTOR, SLIDE, assertQuiet, expectAttr, expectState, expectText, joinAttendee,
  launchBrowser, startDeckServer, watch,
} from './browser-lib.mjs';

let browser;
let server;
let voters = [];

before(async () => {
  browser = await launchBrowser();
  server = await startDeckServer();
});

after(async () => {
  await Promise.all(voters.map((v) => v.c.close()));
  await browser?.close();
  await server?.stop();
});

const presenterUrl = () => server.url(`/present/#${CODE}/${KEY}`);

// The slide counter reads "n / count" for the 0-based index i.
async function onSlide(page, i) {
  await expectText(page, '#slide-index', `${i + 1} / ${SLIDE.count}`);
  await expectAttr(page, '#slide', 'data-index', String(i));
}

// Reads one bar of the presenter's poll panel.
async function bar(page, option) {
  const row = page.locator(`#bars [data-option="${option}"]`);
  return {
    count: (await row.locator('.count').textContent()).trim(),
    pct: (await row.locator('.pct').textContent()).trim(),
    width: await row.locator('.fill').evaluate((el) => el.style.width),
  };
}

async function expectBar(page, option, count, pct) {
  await expectText(page, `#bars [data-option="${option}"] .count`, String(count));
  await expectText(page, `#bars [data-option="${option}"] .pct`, `${pct}%`);
  assert.deepEqual(await bar(page, option), { count: String(count), pct: `${pct}%`, width: `${pct}%` });
}

// Joins n attendees from Node and has them vote; returns their clients.
async function vote(poll, choices) {
  const joined = await Promise.all(choices.map((_, i) => joinAttendee(server, CODE, { label: `${poll}-voter${i}` })));
  voters.push(...joined);
  await Promise.all(joined.map((v, i) => v.c.vote(poll, choices[i])));
  return joined;
}

test('keyboard drives the deck; bars and counters are exact; hidden results wait for R; two windows agree', async () => {
  const ctx = await browser.newContext(PROJECTOR);
  const ctx2 = await browser.newContext(PROJECTOR);
  try {
    const page = await ctx.newPage();
    const w = watch(page);
    await page.goto(presenterUrl());
    await expectText(page, '#conn-status', 'Connected');
    await onSlide(page, SLIDE.welcome);
    await expectText(page, '#join-code', '1234 5678');
    await expectText(page, '#join-url', new RegExp(`/j/${CODE}$`));
    await expectState(page, '#join-panel');
    assert.equal(await page.getAttribute('#qr', 'src'), `/qr/${CODE}.svg`);
    assert.ok(await page.locator('#qr').evaluate((img) => img.complete && img.naturalWidth > 0),
      'the QR code image loaded');
    assert.ok(!page.url().includes(KEY), 'the key leaves the address bar');
    // Who has joined shows on the welcome slide already, before any poll.
    await expectText(page, '#people', '0 joined');
    const early = await joinAttendee(server, CODE, { label: 'early-bird' });
    await expectText(page, '#people', '1 joined');
    await early.c.close(); /* still counts as joined, no longer as connected */

    // Every key that steps forward, then back.
    await page.keyboard.press('ArrowRight');
    await onSlide(page, SLIDE.discuss);
    await expectText(page, '#countdown', /^0[12]:\d\d$/);
    await page.keyboard.press('ArrowLeft');
    await onSlide(page, SLIDE.welcome);
    await page.keyboard.press('Space');
    await onSlide(page, SLIDE.discuss);
    await page.keyboard.press('PageDown');
    await onSlide(page, SLIDE.coffee);
    await expectText(page, '#poll-state', 'Voting open');

    // A second presenter window (its own tab and storage) follows along.
    const page2 = await ctx2.newPage();
    const w2 = watch(page2);
    await page2.goto(presenterUrl());
    await onSlide(page2, SLIDE.coffee);

    // Three YES and one NO from scripted phones: exact counts and widths.
    await vote('coffee', ['yes', 'yes', 'yes', 'no']);
    for (const p of [page, page2]) {
      await expectText(p, '#voted-count', '4');
      await expectText(p, '#joined-count', '5'); // the early bird too
      await expectText(p, '#connected-count', '4');
      await expectText(p, '#people', '5 joined');
      await expectBar(p, 'yes', 3, 75);
      await expectBar(p, 'no', 1, 25);
    }
    // A changed vote moves a count, not the number of voters.
    await voters[3].c.vote('coffee', 'yes');
    await expectBar(page, 'yes', 4, 100);
    await expectBar(page, 'no', 0, 0);
    await expectText(page, '#voted-count', '4');

    // C closes, O opens again, in both windows.
    await page.keyboard.press('c');
    for (const p of [page, page2]) await expectText(p, '#poll-state', 'Voting closed');
    await page.keyboard.press('o');
    for (const p of [page, page2]) await expectText(p, '#poll-state', 'Voting open');

    // The hidden poll: votes arrive but no bar shows until R reveals them.
    await page.keyboard.press('ArrowRight');
    for (const p of [page, page2]) {
      await onSlide(p, SLIDE.secret);
      await expectText(p, '#poll-state', 'Voting open');
      await expectState(p, '#results-hidden');
      await expectState(p, '#bars', 'hidden');
    }
    const previous = await page.locator('#slide-body').textContent();
    assert.match(previous, /Is this the hidden question\?/);
    await vote('secret', ['no', 'no', 'yes']);
    await expectText(page, '#voted-count', '3');
    await expectText(page2, '#voted-count', '3');
    assert.equal(await page.isVisible('#bars'), false, 'bars stay hidden after votes');
    assert.equal(await page.isVisible('#results-hidden'), true);
    assert.equal(await page.getAttribute('#poll-panel', 'data-visible'), 'false');

    await page.keyboard.press('c');
    await expectText(page, '#poll-state', 'Voting closed');
    assert.equal(await page.isVisible('#bars'), false, 'closing alone does not reveal');

    await page.keyboard.press('r');
    for (const p of [page, page2]) {
      await expectState(p, '#bars');
      await expectState(p, '#results-hidden', 'hidden');
      await expectBar(p, 'yes', 1, 33);
      await expectBar(p, 'no', 2, 67);
      await expectText(p, '#reveal-button', 'Hide');
    }
    // R again hides them in both windows.
    await page.keyboard.press('R');
    for (const p of [page, page2]) {
      await expectState(p, '#results-hidden');
      await expectState(p, '#bars', 'hidden');
    }

    // B blanks every projector window (the room's screen, wherever it is
    // driven from); Escape brings the slide back in both.
    await page.keyboard.press('b');
    await expectState(page, '#blank');
    await expectState(page2, '#blank');
    await page.keyboard.press('Escape');
    await expectState(page, '#blank', 'hidden');
    await expectState(page2, '#blank', 'hidden');

    // The second window drives too: the first follows it back.
    await page2.keyboard.press('ArrowLeft');
    await onSlide(page, SLIDE.coffee);
    await expectBar(page, 'yes', 4, 100);

    assertQuiet(w);
    assertQuiet(w2);
  } finally {
    await ctx.close();
    await ctx2.close();
  }
});

test('export, from the console, fetches with the Authorization header; the key is in no request URL', async () => {
  const ctx = await browser.newContext(PROJECTOR);
  try {
    const page = await ctx.newPage();
    const w = watch(page);
    // The projector has no export box: the room would see it.  E there
    // opens the console, where export lives (console.test.mjs follows S).
    await page.goto(server.url(`/present/#${CODE}/${KEY}/console`));
    await page.waitForURL((u) => u.pathname === '/present/console.html');
    await expectText(page, '#conn-status', 'Connected');

    // The file is saved from a Blob, so the download carries the body that
    // the authorised fetch received.
    const responded = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/sessions/${CODE}/results.csv`);
    const downloaded = page.waitForEvent('download');
    await page.keyboard.press('e');
    await expectState(page, '#export-menu');
    await page.click('#export-csv');
    const res = await responded;
    assert.equal(res.status(), 200);
    assert.equal((await res.request().allHeaders()).authorization, `Bearer ${KEY}`);
    const dl = await downloaded;
    assert.equal(dl.suggestedFilename(), `handsup-${CODE}.csv`);
    const csv = await readFile(await dl.path(), 'utf8');
    assert.match(csv, /^\uFEFFsession,/, 'the saved file is the CSV export, with its byte order mark');
    assert.match(csv, /coffee,Should every meeting start with coffee\?/);
    await expectText(page, '#export-status', `Saved handsup-${CODE}.csv.`);

    // JSON too, through the same menu.
    const responded2 = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/sessions/${CODE}/results.json`);
    const downloaded2 = page.waitForEvent('download');
    await page.click('#export-json');
    const res2 = await responded2;
    assert.equal(res2.status(), 200);
    assert.equal((await res2.request().allHeaders()).authorization, `Bearer ${KEY}`);
    const json = JSON.parse(await readFile(await (await downloaded2).path(), 'utf8'));
    assert.ok(json && typeof json === 'object', 'the saved JSON parses');
    await expectText(page, '#export-status', `Saved handsup-${CODE}.json.`);

    // Nothing that left the browser carried the key in its URL (what goes
    // on a request line) or in a Referer.
    assert.ok(w.requests.length >= 5, `requests were recorded (${w.requests.length})`);
    for (const r of w.requests) {
      const onTheWire = r.url().split('#')[0];
      assert.ok(!onTheWire.includes(KEY), `the key is in a request URL: ${onTheWire}`);
      const referer = (await r.allHeaders()).referer || '';
      assert.ok(!referer.includes(KEY), `the key is in a Referer: ${referer}`);
    }
    assert.ok(w.sockets.length >= 1, 'the WebSocket was recorded');
    for (const u of w.sockets) assert.ok(!u.includes(KEY), `the key is in the WebSocket URL: ${u}`);
    assert.ok(!page.url().includes(KEY), 'the key is not left in the address bar');
    assertQuiet(w);
  } finally {
    await ctx.close();
  }
});
