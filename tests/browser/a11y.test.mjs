// a11y.test.mjs -- axe-core finds no serious or critical accessibility
// violation on the attendee page (join form, wrong code, open poll, voted,
// closed with results, discussion) nor on the presenter view (join slide,
// poll with bars, hidden results, help overlay).
//
// axe is injected as a script file; the server's CSP allows only its own
// scripts, so these contexts bypass CSP (and only these: the other tests
// run under the real policy).
import { after, before, test } from 'node:test';

import {
  CODE, KEY, PHONE, PROJECTOR, SLIDE, command, expectState, expectText, gotoSlide, joinAttendee,
  axeAudit, joinPresenter, launchBrowser, openPoll, startDeckServer,
} from './browser-lib.mjs';

let browser;
let server;
let presenter;

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

const audit = axeAudit;

test('attendee page: join form, wrong code, open poll, voted, closed, discussion', async () => {
  await gotoSlide(presenter, SLIDE.welcome);
  const ctx = await browser.newContext({ ...PHONE, bypassCSP: true });
  try {
    const page = await ctx.newPage();
    await page.goto(server.url('/'));
    await expectState(page, '#code-input');
    await audit(page, 'join form');

    await page.fill('#code-input', '8765 4321');
    await page.tap('#join-button');
    await expectText(page, '#join-error', /No session/);
    await audit(page, 'join form with an error');

    await page.fill('#code-input', CODE);
    await page.tap('#join-button');
    await expectState(page, '#waiting');
    await audit(page, 'waiting for the presenter');

    await gotoSlide(presenter, SLIDE.discuss);
    await expectState(page, '#countdown');
    await audit(page, 'discussion with a countdown');

    await openPoll(presenter, SLIDE.coffee);
    await expectText(page, '#poll-status', 'Voting is open');
    await audit(page, 'open poll');

    await page.tap('[data-choice="yes"]');
    await expectText(page, '#my-vote', /^Your vote: YES\b/);
    await audit(page, 'voted');

    await command(presenter, { type: 'close' }, (s) => s.poll?.status === 'closed');
    await expectState(page, '#results');
    await audit(page, 'closed with results');
  } finally {
    await ctx.close();
  }
});

test('presenter view: join slide, live bars, hidden results, help overlay', async () => {
  const voter = await joinAttendee(server, CODE, { label: 'voter' });
  const ctx = await browser.newContext({ ...PROJECTOR, bypassCSP: true });
  const ctx2 = await browser.newContext({ ...PHONE, bypassCSP: true });
  try {
    await gotoSlide(presenter, SLIDE.welcome);
    const page = await ctx.newPage();
    await page.goto(server.url(`/present/#${CODE}/${KEY}`));
    await expectText(page, '#conn-status', 'Connected');
    await expectState(page, '#join-panel');
    await audit(page, 'presenter join slide');

    await openPoll(presenter, SLIDE.coffee);
    await voter.c.vote('coffee', 'no');
    await expectText(page, '#bars [data-option="no"] .count', /^\s*\d+\s*$/);
    await expectText(page, '#poll-state', 'Voting open');
    await audit(page, 'presenter poll with bars');

    await openPoll(presenter, SLIDE.secret);
    await expectState(page, '#results-hidden');
    await audit(page, 'presenter hidden results');

    await page.keyboard.press('?');
    await expectState(page, '#help');
    await audit(page, 'presenter help overlay');

    // A phone used as a remote gets the portrait layout.
    const phone = await ctx2.newPage();
    await phone.goto(server.url(`/present/#${CODE}/${KEY}`));
    await expectText(phone, '#conn-status', 'Connected');
    await expectState(phone, '#results-hidden');
    await audit(phone, 'presenter on a phone');
  } finally {
    await ctx.close();
    await ctx2.close();
    await voter.c.close();
  }
});
