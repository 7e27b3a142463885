// attendee.test.mjs -- the attendee page on a phone-sized touch screen: join
// by typing the code, vote with a tap, change the vote, a wrong code, join by
// the /j/<code> link, a poll closed by the presenter, and a reload that keeps
// the vote (same participant token from localStorage).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  CODE, PHONE, SLIDE, TYPED_CODE, assertQuiet, command, expectAttr, expectState, expectText, gotoSlide,
  joinPresenter, launchBrowser, openPoll, startDeckServer, watch,
} from './browser-lib.mjs';

const TOKEN_KEY = `handsup.participant.${CODE}`;

let browser;
let server;
let presenter;   // a WebSocket presenter from Node drives the room

before(async () => {
  browser = await launchBrowser();
  server = await startDeckServer();
  ({ c: presenter } = await joinPresenter(server));
});

after(async () => {
  await presenter?.close();
  await browser?.close();
  await server?.stop();
});

function token(page) {
  return page.evaluate((k) => localStorage.getItem(k), TOKEN_KEY);
}

test('a wrong code says so plainly and leaves the form usable', async () => {
  const ctx = await browser.newContext(PHONE);
  try {
    const page = await ctx.newPage();
    const w = watch(page);
    await page.goto(server.url('/'));
    await expectState(page, '#code-input');
    await page.fill('#code-input', '8765 4321');
    await page.tap('#join-button');
    await expectText(page, '#join-error', /No session has the code 8765 4321/);
    await expectState(page, '#join-view');
    assert.equal(await page.getAttribute('#code-input', 'aria-invalid'), 'true');
    assert.equal(await page.isEnabled('#join-button'), true, 'the Join button is usable again');

    // Too few digits is caught on the page before anything is sent.
    await page.fill('#code-input', '1234');
    await page.tap('#join-button');
    await expectText(page, '#join-error', /8 digits/);
    assertQuiet(w);
  } finally {
    await ctx.close();
  }
});

test('the phone follows the room: waiting, a discussion countdown, a poll', async () => {
  await gotoSlide(presenter, SLIDE.welcome);
  const ctx = await browser.newContext(PHONE);
  try {
    const page = await ctx.newPage();
    const w = watch(page);
    await page.goto(server.url(`/j/${CODE}`));
    await expectState(page, '#waiting');
    await expectText(page, '#waiting-title', 'Welcome');

    await command(presenter, { type: 'next' }, (s) => s.slide.index === SLIDE.discuss);
    await expectText(page, '#countdown', /^0[12]:\d\d$/);
    await expectText(page, '#discuss-html', /Talk to your neighbour/);
    await expectState(page, '#waiting', 'hidden');

    await command(presenter, { type: 'next' }, (s) => s.slide.index === SLIDE.coffee);
    await expectText(page, '#question', 'Should every meeting start with coffee?');
    await expectState(page, '#countdown', 'hidden');
    await expectText(page, '#my-vote', 'Tap your answer.');

    await gotoSlide(presenter, SLIDE.thanks);
    await expectText(page, '#waiting-title', 'Thanks');
    await expectState(page, '#poll-view', 'hidden');
    assertQuiet(w);
  } finally {
    await ctx.close();
  }
});

test('join by typing the code, tap YES, change to NO; a link join; closing; a reload keeps the vote', async () => {
  // The room is on the first poll before anyone joins.
  await openPoll(presenter, SLIDE.coffee);

  const ctx1 = await browser.newContext(PHONE);
  const ctx2 = await browser.newContext(PHONE);
  try {
    // Phone 1 types the code as it reads it off the screen, with a space.
    const p1 = await ctx1.newPage();
    const w1 = watch(p1);
    await p1.goto(server.url('/'));
    await expectText(p1, '#join-heading', 'Join a session');
    await p1.tap('#code-input');
    await p1.keyboard.type(TYPED_CODE);
    await p1.tap('#join-button');

    await expectText(p1, '#question', 'Should every meeting start with coffee?');
    await expectText(p1, '#poll-status', 'Voting is open');
    await expectText(p1, '#session-title', 'Browser test deck');
    assert.equal(new URL(p1.url()).pathname, `/j/${CODE}`, 'the address becomes the session link');
    const tok = await token(p1);
    assert.match(tok || '', /\S/, 'the participant token is kept in localStorage');

    await p1.tap('[data-choice="yes"]');
    await expectText(p1, '#my-vote', /^Your vote: YES\b/);
    await expectAttr(p1, '[data-choice="yes"]', 'aria-pressed', 'true');
    assert.equal(await p1.getAttribute('[data-choice="no"]', 'aria-pressed'), 'false');
    let t = await presenter.next('tally', (m) => m.poll === 'coffee' && m.voters === 1 && m.counts.yes === 1);
    assert.equal(t.counts.no, 0);

    await p1.tap('[data-choice="no"]');
    await expectText(p1, '#my-vote', /^Your vote: NO\b/);
    await expectAttr(p1, '[data-choice="no"]', 'aria-pressed', 'true');
    assert.equal(await p1.getAttribute('[data-choice="yes"]', 'aria-pressed'), 'false');
    t = await presenter.next('tally', (m) => m.poll === 'coffee' && m.counts.no === 1);
    assert.deepEqual([t.counts.yes, t.counts.no, t.voters], [0, 1, 1], 'a changed vote is still one voter');

    // Phone 2 follows a link typed with the code as it is read out (the
    // printed /j/<code> link is what the previous test follows).
    const p2 = await ctx2.newPage();
    const w2 = watch(p2);
    await p2.goto(server.url(`/j/${CODE.slice(0, 4)}%20${CODE.slice(4)}`));
    await expectText(p2, '#question', 'Should every meeting start with coffee?');
    await expectText(p2, '#my-vote', 'Tap your answer.');
    await p2.tap('[data-choice="yes"]');
    await expectText(p2, '#my-vote', /^Your vote: YES\b/);
    assert.notEqual(await token(p2), tok, 'two phones are two participants');
    t = await presenter.next('tally', (m) => m.poll === 'coffee' && m.voters === 2);
    assert.deepEqual([t.counts.yes, t.counts.no], [1, 1]);

    // The presenter closes the poll: both phones say so and stop taking votes.
    await command(presenter, { type: 'close' }, (s) => s.poll?.status === 'closed');
    for (const p of [p1, p2]) {
      await expectText(p, '#poll-status', 'Voting is closed');
      await expectAttr(p, '#poll-status', 'data-status', 'closed');
      assert.equal(await p.isDisabled('[data-choice="yes"]'), true, 'buttons are disabled when closed');
    }
    await expectText(p1, '#my-vote', 'Your vote: NO');
    await expectText(p2, '#my-vote', 'Your vote: YES');

    // A reload rejoins with the same token and shows the same vote; the
    // session still counts two participants.  Tallies from before the
    // reload are dropped so the one read below follows the rejoin.
    const before = await presenter.next('tally', (m) => m.poll === 'coffee' && m.status === 'closed');
    presenter.drain('tally');
    await p1.reload();
    await expectText(p1, '#poll-status', 'Voting is closed');
    await expectText(p1, '#my-vote', 'Your vote: NO');
    assert.equal(await token(p1), tok, 'the reload kept the participant token');
    const t2 = await presenter.next('tally', (m) => m.poll === 'coffee' && m.connected === 2);
    assert.equal(t2.participants, before.participants, 'the reload did not make a new participant');
    assert.equal(t2.voters, 2);

    assertQuiet(w1);
    assertQuiet(w2);
  } finally {
    await ctx1.close();
    await ctx2.close();
  }
});
