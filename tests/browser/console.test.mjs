// console.test.mjs -- the speaker console as a facilitator uses it: S on the
// projector opens it; it follows the projector and drives it (clicker keys,
// with a box open too); the next slide is drawn, the notes rendered; the
// timer's +1 min, -1 min and pause reach a phone; hidden results show on the
// console and nowhere else; a clicker's double press passes through a poll
// without closing it; "n of m voted" on console and projector; a reloaded
// console finds the room as it was.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  CODE, KEY, PHONE, PROJECTOR, SLIDE, assertQuiet, command, expectAttr, expectState, expectText,
  gotoSlide, joinAttendee, joinPresenter, launchBrowser, screenshotDir, settle, sleep, startDeckServer, watch,
} from './browser-lib.mjs';

let browser;
let server;
let remote;        // a WebSocket presenter from Node, to set the room up
const voters = [];

before(async () => {
  browser = await launchBrowser();
  server = await startDeckServer();
  ({ c: remote } = await joinPresenter(server));
});

after(async () => {
  await Promise.all(voters.map((v) => v.c.close()));
  await remote?.close();
  await browser?.close();
  await server?.stop();
});

async function onSlide(page, i, sel = '#slide-index') {
  await expectText(page, sel, `${i + 1} / ${SLIDE.count}`);
}

// "mm:ss" on a page -> seconds.
async function seconds(page, sel) {
  const text = (await page.locator(sel).textContent()).trim();
  const m = /^(\d+):(\d\d)$/.exec(text);
  assert.ok(m, `${sel} shows a time, not ${JSON.stringify(text)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

// Waits until the time shown at sel satisfies pred.
async function expectSeconds(page, sel, pred, what) {
  const deadline = Date.now() + 10000;
  let last;
  while (Date.now() < deadline) {
    try { last = await seconds(page, sel); if (pred(last)) return last; } catch (e) { last = e.message; }
    await sleep(100);
  }
  throw new Error(`${sel}: expected ${what}, it shows ${last}`);
}

// The projector and, opened from it with S, the console.
async function projectorAndConsole(ctx) {
  const projector = await ctx.newPage();
  const wp = watch(projector);
  await projector.goto(server.url(`/present/#${CODE}/${KEY}`));
  await expectText(projector, '#conn-status', 'Connected');
  const popup = ctx.waitForEvent('page');
  await projector.keyboard.press('s');
  const con = await popup;
  const wc = watch(con);
  await con.waitForURL((u) => u.pathname === '/present/console.html');
  await expectText(con, '#conn-status', 'Connected');
  assert.ok(!con.url().includes(KEY), 'the key leaves the console address bar too');
  return { projector, con, wp, wc };
}

test('S opens the console; it follows the projector and drives it; next slide and notes rendered', async () => {
  await gotoSlide(remote, SLIDE.welcome);
  const ctx = await browser.newContext(PROJECTOR);
  try {
    const { projector, con, wp, wc } = await projectorAndConsole(ctx);
    await onSlide(con, SLIDE.welcome);
    await expectText(con, '#now-slide h1', 'Welcome');
    // The next slide is drawn as the projector draws it, not named.
    await expectText(con, '#next-slide h1', 'Talk to your neighbour');
    await expectText(con, '#next-slide p', /Two minutes to discuss/);
    await expectText(con, '#notes strong', 'hosts');
    await expectText(con, '#clock', /\d/);
    await expectText(con, '#console-code', '1234 5678');

    // The console's clicker keys move the projector...
    await con.keyboard.press('PageDown');
    await onSlide(projector, SLIDE.discuss);
    await onSlide(con, SLIDE.discuss);
    await expectState(con, '#notes-none');
    await expectState(con, '#timer-panel');
    await expectText(con, '#timer', /^0[12]:\d\d$/);
    // ...and the projector's keys move the console.
    await projector.keyboard.press('ArrowRight');
    await onSlide(con, SLIDE.coffee);
    await expectText(con, '#notes em', 'drinks');
    await expectText(con, '#notes li', 'wait for 4 votes');
    await expectText(con, '#next-slide h1', 'Is this the hidden question?');

    // B on the console blanks the projector; B again shows it.
    await con.keyboard.press('b');
    await expectState(projector, '#blank');
    await expectState(con, '#blank-badge');
    await con.keyboard.press('b');
    await expectState(projector, '#blank', 'hidden');
    await expectState(con, '#blank-badge', 'hidden');

    // A clicker keeps working with a box open on the console.
    await con.keyboard.press('?');
    await expectState(con, '#help');
    await con.keyboard.press('PageUp');
    await onSlide(projector, SLIDE.discuss);
    await con.keyboard.press('b');
    await expectState(projector, '#blank');
    await con.keyboard.press('PageDown'); // a change of slide ends the blank
    await onSlide(projector, SLIDE.coffee);
    await expectState(projector, '#blank', 'hidden');
    await expectState(con, '#help');
    await con.keyboard.press('Escape');
    await expectState(con, '#help', 'hidden');

    await settle(con);
    await con.screenshot({ path: path.join(screenshotDir(), 'console-poll.png') });
    assertQuiet(wp);
    assertQuiet(wc);
  } finally {
    await ctx.close();
  }
});

test('timer +1 min, -1 min, pause and resume from the console reach a phone', async () => {
  await gotoSlide(remote, SLIDE.welcome);
  await gotoSlide(remote, SLIDE.discuss);
  await command(remote, { type: 'timer', action: 'start' }, (s) => s.slide.discuss?.running === true);
  const ctx = await browser.newContext(PROJECTOR);
  const pctx = await browser.newContext(PHONE);
  try {
    const con = await ctx.newPage();
    const wc = watch(con);
    await con.goto(server.url(`/present/#${CODE}/${KEY}/console`));
    await expectText(con, '#conn-status', 'Connected');
    const phone = await pctx.newPage();
    const wph = watch(phone);
    await phone.goto(server.url(`/j/${CODE}`));
    const t0 = await expectSeconds(phone, '#countdown', (s) => s > 100 && s <= 120, 'about two minutes');

    await con.click('[data-action="timer-add"]');
    await expectSeconds(phone, '#countdown', (s) => s > t0 + 50, 'a minute more');
    await expectSeconds(con, '#timer', (s) => s > t0 + 50, 'a minute more');
    await con.keyboard.press('-');
    await expectSeconds(phone, '#countdown', (s) => s <= t0 + 1, 'the minute taken off again');

    await con.click('#timer-toggle');
    await expectAttr(con, '#timer', 'data-state', 'paused');
    await expectText(con, '#timer-toggle', 'Resume');
    const held = await expectSeconds(phone, '#countdown', () => true, 'a time');
    await sleep(2200);
    assert.equal(await seconds(phone, '#countdown'), held, 'the phone shows the paused time standing still');
    assert.equal(await seconds(con, '#timer'), held, 'the console agrees');

    await con.keyboard.press('p');
    await expectAttr(con, '#timer', 'data-state', 'running');
    await expectSeconds(phone, '#countdown', (s) => s < held, 'running again');
    assertQuiet(wc);
    assertQuiet(wph);
  } finally {
    await ctx.close();
    await pctx.close();
  }
});

test('hidden results are on the console and not on the projector or phones; n of m voted', async () => {
  await gotoSlide(remote, SLIDE.secret);
  const ctx = await browser.newContext(PROJECTOR);
  const pctx = await browser.newContext(PHONE);
  try {
    const { projector, con } = await projectorAndConsole(ctx);
    const phone = await pctx.newPage();
    await phone.goto(server.url(`/j/${CODE}`));
    await expectText(phone, '#poll-status', 'Voting is open');
    await phone.tap('[data-choice="yes"]');
    await expectText(phone, '#my-vote', /^Your vote: YES\b/);
    for (const c of ['no', 'no']) {
      const v = await joinAttendee(server, CODE, { label: `secret-${voters.length}` });
      voters.push(v);
      await v.c.vote('secret', c);
    }
    const joined = (await remote.next('tally', (m) => m.poll === 'secret' && m.voters === 3)).participants;
    assert.ok(joined > 3, 'some who joined have not voted');

    await expectState(con, '#hidden-badge');
    await expectText(con, '#bars [data-option="yes"] .count', '1');
    await expectText(con, '#bars [data-option="no"] .count', '2');
    await expectText(con, '#progress', `3 of ${joined} voted, ${joined - 3} to go`);
    // The projector shows neither the split nor the progress while hidden.
    await expectState(projector, '#results-hidden');
    assert.equal(await projector.isVisible('#bars'), false);
    assert.equal(await projector.isVisible('#progress'), false);
    // Close: phones see the poll closed but no results until revealed.
    await con.keyboard.press('c');
    await expectText(phone, '#poll-status', 'Voting is closed');
    assert.equal(await phone.isVisible('#results'), false, 'no results on the phone');
    assert.equal(await projector.isVisible('#bars'), false);
    await expectState(con, '#bars');
    // Reveal from the console: now the room sees them.
    await con.keyboard.press('r');
    await expectState(projector, '#bars');
    await expectState(phone, '#results');
    await expectState(con, '#hidden-badge', 'hidden');

    // On a visible poll the projector shows the progress too.
    await gotoSlide(remote, SLIDE.coffee);
    await command(remote, { type: 'open' }, (s) => s.poll?.status === 'open');
    await expectText(projector, '#progress', /^\d+ of \d+ voted, \d+ to go$|^All \d+ have voted$/);
    await expectText(con, '#progress', /^\d+ of \d+ voted, \d+ to go$|^All \d+ have voted$/);
  } finally {
    await ctx.close();
    await pctx.close();
  }
});

test('a double press passes through a poll without closing it; a reloaded console finds the room as it was', async () => {
  // A fresh room, where neither poll was ever opened.
  const fresh = await startDeckServer();
  const ctx = await browser.newContext(PROJECTOR);
  try {
    const con = await ctx.newPage();
    const wc = watch(con);
    await con.goto(fresh.url(`/present/#${CODE}/${KEY}/console`));
    await expectText(con, '#conn-status', 'Connected');
    await con.keyboard.press('PageDown');
    await onSlide(con, SLIDE.discuss);
    // The clicker's double press: through the coffee poll to the hidden one.
    await con.keyboard.press('PageDown');
    await con.keyboard.press('PageDown');
    await onSlide(con, SLIDE.secret);
    await con.keyboard.press('PageUp');
    await onSlide(con, SLIDE.coffee);
    await expectAttr(con, '#poll-state', 'data-status', 'open');
    // A phone can vote on it: it was never closed.
    const { c: phone } = await joinAttendee(fresh, CODE, { label: 'late-phone' });
    const id = phone.request({ type: 'vote', poll: 'coffee', choice: 'yes' });
    const ack = await phone.next(['ack', 'error'], (m) => m.id === id);
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    await phone.close();
    await expectText(con, '#progress', '1 of 1 voted: everyone');

    // The blank, the slide and the timer survive a reload of the console.
    await con.keyboard.press('b');
    await expectState(con, '#blank-badge');
    await con.reload();
    await expectText(con, '#conn-status', 'Connected');
    await onSlide(con, SLIDE.coffee);
    await expectState(con, '#blank-badge');
    await expectAttr(con, '#poll-state', 'data-status', 'open');
    await expectText(con, '#bars [data-option="yes"] .count', '1');
    await con.keyboard.press('b');
    await expectState(con, '#blank-badge', 'hidden');
    assertQuiet(wc);
  } finally {
    await ctx.close();
    await fresh.stop();
  }
});
