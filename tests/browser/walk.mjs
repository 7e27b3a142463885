// walk.mjs -- the attendee's walk in one browser engine (HANDSUP_ENGINE:
// chromium, firefox or webkit; ctest runs it once per engine as
// browser.walk.<engine>): join by typing the code, vote, change the vote,
// reload, come back after the server restarts; then a vote with the page in
// Welsh (?lang=cy), its words from web/i18n/cy.json.
// Most phones in a room are iPhones (WebKit) and Androids (Chromium), so
// the walk must pass in each engine, not only in the one the other browser
// tests drive.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  CODE, SLIDE, SOURCE_DIR, TYPED_CODE, joinPresenter, openPoll, screenshotDir, startDeckServer,
} from './browser-lib.mjs';
import { expectAttr, expectText, expectVisible, launchEngine } from './engines.mjs';

const ENGINE = process.env.HANDSUP_ENGINE || 'chromium';
// The page backs off up to 10 s between attempts while the server is down.
const RECONNECT_MS = 25000;

let engine;
let server;
let presenter;

before(async () => {
  engine = await launchEngine(ENGINE);
  server = await startDeckServer();
  ({ c: presenter } = await joinPresenter(server));
  await openPoll(presenter, SLIDE.coffee);
});

after(async () => {
  await presenter?.close();
  await engine?.close();
  await server?.stop();
});

function tally(pred) {
  return presenter.next('tally', (m) => m.poll === 'coffee' && pred(m), 10000);
}

test(`${ENGINE}: join, vote, change, reload, reconnect`, async () => {
  const page = await engine.newPhone();
  try {
    await page.goto(server.url('/'));
    await expectVisible(page, '#code-input');
    await page.click('#code-input');
    await page.type('#code-input', TYPED_CODE);
    await page.click('#join-button');
    await expectText(page, '#question', 'Should every meeting start with coffee?');
    await expectText(page, '#poll-status', 'Voting is open');
    assert.equal(await page.evaluate(() => location.pathname), `/j/${CODE}`);

    await page.click('[data-choice="yes"]');
    await expectText(page, '#my-vote', /^Your vote: YES\b/);
    await expectAttr(page, '[data-choice="yes"]', 'aria-pressed', 'true');
    let t = await tally((m) => m.counts.yes === 1);
    assert.equal(t.voters, 1);

    await page.click('[data-choice="no"]');
    await expectText(page, '#my-vote', /^Your vote: NO\b/);
    t = await tally((m) => m.counts.no === 1 && m.counts.yes === 0);
    assert.equal(t.voters, 1, 'a changed vote is still one voter');
    const participants = t.participants;

    presenter.drain('tally');
    await page.reload();
    await expectText(page, '#my-vote', /^Your vote: NO\b/);
    await expectAttr(page, '[data-choice="no"]', 'aria-pressed', 'true');
    t = await tally((m) => m.connected === 1);
    assert.equal(t.participants, participants, 'the reload kept the participant');

    // The server goes away and comes back on the same port and data file.
    await presenter.close();
    await server.stop();
    await expectText(page, '#conn-status', 'Reconnecting…');
    await expectText(page, '#my-vote', /^Your vote: NO\b/);
    await server.start();
    ({ c: presenter } = await joinPresenter(server));
    await expectVisible(page, '#conn-status', false, RECONNECT_MS);
    await expectText(page, '#poll-status', 'Voting is open');
    await expectText(page, '#my-vote', /^Your vote: NO\b/);
    t = await tally((m) => m.connected === 1);
    assert.deepEqual([t.counts.yes, t.counts.no, t.participants], [0, 1, participants]);
    await page.screenshot(path.join(screenshotDir(), `walk-${ENGINE}.png`));
    assert.deepEqual(page.errors, [], 'the page threw');
  } finally {
    await page.close();
  }
});

test(`${ENGINE}: a vote with the page in Welsh`, async () => {
  const cy = JSON.parse(readFileSync(path.join(SOURCE_DIR, 'web', 'i18n', 'cy.json'), 'utf8'));
  const page = await engine.newPhone();
  try {
    presenter.drain('tally');
    await page.goto(server.url(`/j/${CODE}?lang=cy`));
    await expectText(page, '#poll-status', cy['poll.open']);
    assert.deepEqual(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]), ['cy', 'ltr']);
    await expectText(page, '#vote-yes .choice-label', cy['option.yes']);
    await page.click('[data-choice="yes"]');
    const said = cy['vote.changeable'].replace('{choice}', cy['option.yes']);
    await expectText(page, '#my-vote', said);
    await expectAttr(page, '[data-choice="yes"]', 'aria-pressed', 'true');
    await tally((m) => m.counts.yes >= 1);
    assert.equal(await page.evaluate(() => location.search), '?lang=cy', 'the join link keeps the language');
    await page.screenshot(path.join(screenshotDir(), `walk-${ENGINE}-cy.png`));
    assert.deepEqual(page.errors, [], 'the page threw');
  } finally {
    await page.close();
  }
});
