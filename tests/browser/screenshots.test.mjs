// screenshots.test.mjs -- both pages at phone (390x844) and projector
// (1920x1080) sizes, saved as PNG files in $HANDSUP_SCREENSHOT_DIR (the build
// folder under ctest) for a person to look at.  The checks here are the ones
// a machine can make: nothing scrolls sideways, the answer buttons and the
// bars are on screen.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  CODE, KEY, PHONE, PROJECTOR, SLIDE, command, expectState, expectText, gotoSlide, joinAttendee,
  joinPresenter, launchBrowser, openPoll, screenshotDir, settle, startDeckServer,
} from './browser-lib.mjs';

let browser;
let server;
let presenter;
let voters = [];
const dir = screenshotDir();

before(async () => {
  browser = await launchBrowser();
  server = await startDeckServer();
  ({ c: presenter } = await joinPresenter(server));
});

after(async () => {
  await Promise.all(voters.map((v) => v.c.close()));
  await presenter?.close();
  await browser?.close();
  await server?.stop();
});

async function shoot(page, name) {
  const file = path.join(dir, `${name}.png`);
  await settle(page);
  await page.screenshot({ path: file, animations: 'disabled' });
  assert.ok(statSync(file).size > 1000, `${file} was written`);
  // Nothing is wider than the screen: a phone must never scroll sideways.
  const [scrollW, innerW] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scrollW <= innerW, `${name}: the page is ${scrollW}px wide in a ${innerW}px window`);
  // Nor does any element stick out sideways and get cut off by an ancestor
  // that hides overflow (which the page width alone would not show).
  const cut = await page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width < 2 || r.height < 2 || getComputedStyle(el).visibility === 'hidden') continue;
      if (!el.getClientRects().length || el.closest('[hidden]')) continue;
      if (r.left < -1 || r.right > window.innerWidth + 1) {
        const id = el.id ? `#${el.id}` : `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
        out.push(`${id} spans ${Math.round(r.left)}..${Math.round(r.right)}px`);
      }
    }
    return out;
  });
  assert.deepEqual(cut, [], `${name}: elements outside the ${innerW}px window`);
  return file;
}

// The element lies wholly inside the window.
async function onScreen(page, selector) {
  const box = await page.locator(selector).first().boundingBox();
  const vp = page.viewportSize();
  assert.ok(box, `${selector} is rendered`);
  assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= vp.width + 0.5 && box.y + box.height <= vp.height + 0.5,
    `${selector} is inside the ${vp.width}x${vp.height} window: ${JSON.stringify(box)}`);
}

test('attendee page at phone and projector sizes', async () => {
  await gotoSlide(presenter, SLIDE.welcome);
  for (const [size, opts] of [['phone', PHONE], ['projector', PROJECTOR]]) {
    const ctx = await browser.newContext(opts);
    try {
      const page = await ctx.newPage();
      await page.goto(server.url('/'));
      await expectState(page, '#code-input');
      await shoot(page, `attendee-${size}-1-join`);

      await page.fill('#code-input', CODE);
      await page.click('#join-button');
      await expectState(page, '#waiting');
      await shoot(page, `attendee-${size}-2-waiting`);

      await gotoSlide(presenter, SLIDE.discuss);
      await expectText(page, '#countdown', /^0[12]:\d\d$/);
      await shoot(page, `attendee-${size}-3-discuss`);

      await openPoll(presenter, SLIDE.coffee);
      await expectText(page, '#poll-status', 'Voting is open');
      await onScreen(page, '[data-choice="yes"]');
      await onScreen(page, '[data-choice="no"]');
      await page.click('[data-choice="yes"]');
      await expectText(page, '#my-vote', /^Your vote: YES\b/);
      await shoot(page, `attendee-${size}-4-voted`);

      await command(presenter, { type: 'close' }, (s) => s.poll?.status === 'closed');
      await expectState(page, '#results');
      await shoot(page, `attendee-${size}-5-results`);
      await gotoSlide(presenter, SLIDE.welcome);
    } finally {
      await ctx.close();
    }
  }
});

test('presenter view at projector and phone sizes', async () => {
  await gotoSlide(presenter, SLIDE.welcome);
  voters = await Promise.all([0, 1, 2, 3, 4].map((i) => joinAttendee(server, CODE, { label: `voter${i}` })));
  for (const [size, opts] of [['projector', PROJECTOR], ['phone', PHONE]]) {
    const ctx = await browser.newContext(opts);
    try {
      const page = await ctx.newPage();
      await page.goto(server.url(`/present/#${CODE}/${KEY}`));
      await expectText(page, '#conn-status', 'Connected');
      await gotoSlide(presenter, SLIDE.welcome);
      await expectState(page, '#join-panel');
      await page.locator('#join-panel-qr').evaluate((img) => img.decode());
      await shoot(page, `presenter-${size}-1-welcome`);

      await gotoSlide(presenter, SLIDE.discuss);
      await expectText(page, '#countdown', /^0[12]:\d\d$/);
      await shoot(page, `presenter-${size}-2-discuss`);

      await openPoll(presenter, SLIDE.coffee);
      await Promise.all(voters.map((v, i) => v.c.vote('coffee', i < 3 ? 'yes' : 'no')));
      // Two attendee pages voted YES in the test before, then these five.
      await expectText(page, '#voted-count', '7');
      await expectText(page, '#bars [data-option="yes"] .count', '5');
      await expectText(page, '#bars [data-option="no"] .count', '2');
      if (size === 'projector') {
        await onScreen(page, '#bars');
        await onScreen(page, '#qr');
      }
      await shoot(page, `presenter-${size}-3-poll`);

      await openPoll(presenter, SLIDE.secret);
      await expectState(page, '#results-hidden');
      await shoot(page, `presenter-${size}-4-hidden`);
    } finally {
      await ctx.close();
    }
  }
  console.log(`# screenshots in ${dir}`);
});
