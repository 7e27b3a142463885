// kinds.test.mjs -- every poll kind tapped on a phone (390x844) and read on
// the projector (1920x1080): a choice and a multiple choice, a scale, open
// answers with withdrawal, the Questions tab; bars, histogram, word cloud,
// wall and ranked questions; the moderation view; hostile text inert on
// every page; keyboard use and screen reader names; axe-core clean; with
// screenshots of each.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  PHONE, PROJECTOR, assertQuiet, axeAudit, expectAttr, expectState, expectText, joinAttendee,
  joinPresenter, launchBrowser, screenshotDir, startDeckServer, watch,
} from './browser-lib.mjs';
import { K, KINDS_CODE, KINDS_DECK, acked, goto } from '../integration/kinds-lib.mjs';

let browser;
let server;
let presenter;
let projector;     // { ctx, page, w }
let shots;

before(async () => {
  browser = await launchBrowser();
  server = await startDeckServer({ decks: [KINDS_DECK] });
  ({ c: presenter } = await joinPresenter(server, KINDS_CODE));
  shots = screenshotDir();
  const ctx = await browser.newContext({ ...PROJECTOR, bypassCSP: true });
  const page = await ctx.newPage();
  const w = watch(page);
  await page.goto(server.url(`/present/#${KINDS_CODE}/${encodeURIComponent(server.key)}`));
  await expectState(page, '#slide-body h1');
  projector = { ctx, page, w };
});

after(async () => {
  await projector?.ctx.close();
  await presenter?.close();
  await browser?.close();
  await server?.stop();
});

async function phone() {
  const ctx = await browser.newContext({ ...PHONE, bypassCSP: true });
  const page = await ctx.newPage();
  const w = watch(page);
  await page.goto(server.url(`/j/${KINDS_CODE}`));
  return { ctx, page, w };
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, `kinds-${name}.png`) });
}

test('choice: big buttons, one pick; multiple: up to two, with the limit said', async () => {
  await goto(presenter, K.single);
  const { ctx, page, w } = await phone();
  try {
    await expectText(page, '#question', 'What matters most in a methodology?');
    await page.tap('#vote-clarity');
    await expectAttr(page, '#vote-clarity', 'aria-pressed', 'true');
    await expectText(page, '#my-vote', /Your vote: Clarity/);
    await axeAudit(page, 'phone: single choice voted');
    await shot(page, 'phone-choice');

    await goto(presenter, K.multi);
    await expectText(page, '#poll-hint', 'Pick up to 2 options.');
    await page.tap('#vote-peer-review');
    await expectAttr(page, '#vote-peer-review', 'aria-pressed', 'true');
    await page.tap('#vote-supervision');
    // The picks are joined as the language joins a list (Intl.ListFormat).
    await expectText(page, '#my-vote', /Your choices: Peer review and Supervision/);
    // A third pick is refused on the phone, and said.
    await page.tap('#vote-case-studies');
    await expectText(page, '#action-error', /up to 2/);
    assert.equal(await page.getAttribute('#vote-case-studies', 'aria-pressed'), 'false');
    // Keyboard: focus an option and press Space to take a pick back.
    await page.focus('#vote-peer-review');
    await page.keyboard.press('Space');
    await expectAttr(page, '#vote-peer-review', 'aria-pressed', 'false');
    await expectText(page, '#my-vote', /Your choices: Supervision/);
    await axeAudit(page, 'phone: multiple choice');
    await shot(page, 'phone-multiple');
    // The projector's bars are shares of the people who voted.
    await expectText(projector.page, '#bars [data-option="supervision"] .count', '1');
    await expectText(projector.page, '#bars [data-option="supervision"] .pct', '100%');
    await expectText(projector.page, '#kind-note', /pick up to 2/);
    await shot(projector.page, 'projector-multiple');
    assertQuiet(w);
  } finally {
    await ctx.close();
  }
});

test('scale: a row of numbered buttons with end labels; a histogram with mean and median', async () => {
  await goto(presenter, K.scale);
  const { ctx, page, w } = await phone();
  try {
    await expectState(page, '#vote-5');
    assert.equal(await page.getAttribute('#vote-1', 'aria-label'), '1 out of 5, Not at all');
    assert.equal(await page.getAttribute('#vote-3', 'aria-label'), '3 out of 5');
    await expectText(page, '#scale-low', 'Not at all');
    await expectText(page, '#scale-high', 'Completely');
    // All five fit one row at phone width, each a thumb's size.
    const boxes = await Promise.all([1, 2, 3, 4, 5].map((v) => page.locator(`#vote-${v}`).boundingBox()));
    assert.ok(boxes.every((b) => b.y === boxes[0].y && b.width >= 44 && b.height >= 44), JSON.stringify(boxes));
    await page.tap('#vote-4');
    await expectText(page, '#my-vote', /Your rating: 4/);
    await axeAudit(page, 'phone: scale');
    await shot(page, 'phone-scale');
    const others = await Promise.all([2, 5].map((i) => joinAttendee(server, KINDS_CODE, { label: `s${i}` })));
    await acked(others[0].c, { type: 'vote', poll: 'scale', value: 2 });
    await acked(others[1].c, { type: 'vote', poll: 'scale', value: 5 });
    await expectText(projector.page, '#kind-note', 'Average 3.67  \u00b7  middle value 4');
    await expectText(projector.page, '#histogram [data-option="4"] .hist-count', '1');
    await shot(projector.page, 'projector-scale');
    others.forEach((o) => o.c.close());
    assertQuiet(w);
  } finally {
    await ctx.close();
  }
});

test('text: a box with a counter, one\'s answers with withdraw; a word cloud, biggest in the middle', async () => {
  await goto(presenter, K.words);
  const { ctx, page, w } = await phone();
  try {
    await expectState(page, '#answer-input');
    await page.fill('#answer-input', 'Trust');
    await expectText(page, '#answer-count', '5 of 20 characters');
    await page.tap('#answer-send');
    await expectText(page, '#my-answers li .my-answer-text', 'Trust');
    await expectText(page, '#answers-left', 'You can send 1 more answer.');
    // Hostile text is shown as text, never as markup.
    await page.fill('#answer-input', '<b>bold</b>\u202e!');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expectText(page, '#answers-left', /as many answers/);
    assert.equal(await page.locator('#my-answers b').count(), 0);
    await expectText(page, '#my-answers li:first-child .my-answer-text', '<b>bold</b>!');
    assert.equal(await page.getAttribute('#my-answers li:first-child .withdraw', 'aria-label'), 'Withdraw your answer: <b>bold</b>!');
    await axeAudit(page, 'phone: text answers');
    await shot(page, 'phone-text');
    const people = await Promise.all([0, 1, 2].map((i) => joinAttendee(server, KINDS_CODE, { label: `t${i}` })));
    for (const p of people) await acked(p.c, { type: 'answer', poll: 'words', text: 'trust' });
    await acked(people[0].c, { type: 'answer', poll: 'words', text: 'Time' });
    // The cloud: the biggest entry is drawn first, in the middle.
    await projector.page.waitForFunction(() => document.querySelectorAll('#cloud text').length === 3);
    const cloud = await projector.page.evaluate(() => {
      const svg = document.getElementById('cloud');
      const vb = svg.getAttribute('viewBox').split(' ').map(Number);
      const t = [...svg.querySelectorAll('text')].map((e) => ({ text: e.textContent, x: Number(e.getAttribute('x')),
        size: Number(e.getAttribute('font-size')), tags: e.children.length }));
      return { vb, t };
    });
    assert.equal(cloud.t[0].text, 'Trust');
    assert.ok(cloud.t[0].size > cloud.t[1].size);
    assert.ok(Math.abs(cloud.t[0].x - (cloud.vb[0] + cloud.vb[2] / 2)) < cloud.vb[2] * 0.1, JSON.stringify(cloud));
    assert.ok(cloud.t.some((e) => e.text === '<b>bold</b>!') && cloud.t.every((e) => e.tags === 0));
    await expectText(projector.page, '#kind-note', '6 answers');
    await shot(projector.page, 'projector-cloud');
    // Withdrawing takes it off the phone and out of the cloud.
    await page.tap('#my-answers li:first-child .withdraw');
    await expectText(page, '#answers-left', 'You can send 1 more answer.');
    await projector.page.waitForFunction(() => ![...document.querySelectorAll('#cloud text')].some((e) => e.textContent.includes('bold')));
    people.forEach((p) => p.c.close());
    assertQuiet(w);
  } finally {
    await ctx.close();
  }
});

test('moderation: a held answer is in the moderation view only, until approved onto the wall', async () => {
  await goto(presenter, K.wall);
  const { ctx, page, w } = await phone();
  const mctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  try {
    const mod = await mctx.newPage();
    const mw = watch(mod);
    await mod.goto(server.url(`/present/#${KINDS_CODE}/${encodeURIComponent(server.key)}/moderate`));
    await expectState(mod, '#moderate');
    assert.equal(await mod.isVisible('#stage'), false, 'the moderation view is not the projector');
    await page.fill('#answer-input', 'Held <img src=x onerror=alert(1)> for review');
    await page.tap('#answer-send');
    await expectText(page, '#my-answers .answer-status', 'waiting for approval');
    await expectText(mod, '#mod-answers [data-status="pending"] .mod-text', 'Held <img src=x onerror=alert(1)> for review');
    assert.equal(await mod.locator('#mod-answers img').count(), 0);
    // The projector never shows it while it waits.
    assert.equal(await projector.page.locator('#wall li').count(), 0);
    assert.ok(!(await projector.page.content()).includes('Held &lt;img'), 'pending text is not on the projector page');
    await axeAudit(mod, 'moderation view');
    await shot(mod, 'moderation');
    await mod.getByRole('button', { name: 'Approve: Held <img src=x onerror=alert(1)> for review' }).click();
    await expectText(projector.page, '#wall li', 'Held <img src=x onerror=alert(1)> for review');
    assert.equal(await projector.page.locator('#wall img').count(), 0);
    await expectText(page, '#my-answers li .my-answer-text', /Held/);
    await shot(projector.page, 'projector-wall');
    assertQuiet(w);
    assertQuiet(mw);
  } finally {
    await mctx.close();
    await ctx.close();
  }
});

test('the console offers the moderation view in a window of its own', async () => {
  const cctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const con = await cctx.newPage();
    const cw = watch(con);
    await con.goto(server.url(`/present/#${KINDS_CODE}/${encodeURIComponent(server.key)}/console`));
    await con.waitForURL((u) => u.pathname === '/present/console.html');
    await expectText(con, '#conn-status', 'Connected');
    const popup = cctx.waitForEvent('page');
    await con.getByRole('button', { name: 'Moderate…' }).click();
    const mod = await popup;
    await expectState(mod, '#moderate');
    assert.equal(await mod.isVisible('#stage'), false, 'the moderation view, not the projector');
    await expectText(mod, '#mod-conn', 'Connected');
    assertQuiet(cw);
  } finally {
    await cctx.close();
  }
});

test('questions: a tab reached by keyboard, ask, upvote, own marked; ranked on the qa slide', async () => {
  await goto(presenter, K.welcome);
  const { ctx, page, w } = await phone();
  try {
    await expectState(page, '#tabs');
    // The tabs follow the tab pattern: arrows move between them.
    await page.focus('#tab-now');
    await page.keyboard.press('ArrowRight');
    await expectAttr(page, '#tab-questions', 'aria-selected', 'true');
    await expectState(page, '#qa-view');
    await page.fill('#ask-input', 'How is \u202eimpact\u202c measured? \u{1F914}');
    await page.tap('#ask-send');
    await expectText(page, '#ask-state', 'Question sent.');
    await expectText(page, '#qa-list .qa-item.is-mine .qa-text', 'How is impact measured? \u{1F914}');
    const others = await Promise.all([0, 1].map((i) => joinAttendee(server, KINDS_CODE, { label: `q${i}` })));
    const theirs = await acked(others[0].c, { type: 'ask', text: 'Who decides what counts?' });
    await acked(others[1].c, { type: 'upvote', question: theirs.question });
    await expectText(page, '#qa-list .qa-item:not(.is-mine) .qa-text', 'Who decides what counts?', { timeout: 5000 });
    const up = page.locator('#qa-list .qa-item:not(.is-mine) .upvote');
    assert.equal(await up.getAttribute('aria-label'), 'Upvote: Who decides what counts?, 1 vote');
    await up.tap();
    await expectAttr(page, '#qa-list .qa-item:not(.is-mine) .upvote', 'aria-pressed', 'true');
    await expectText(page, '#qa-list .qa-item:not(.is-mine) .upvote-count', '2');
    await axeAudit(page, 'phone: questions');
    await shot(page, 'phone-questions');
    // The qa slide brings the tab forward on phones and ranks on the projector.
    await goto(presenter, K.qa);
    await expectState(projector.page, '#qa-panel');
    await expectText(projector.page, '#qa-ranked li:first-child .qa-text', 'Who decides what counts?', { timeout: 5000 });
    await expectText(projector.page, '#qa-ranked li:first-child .qa-votes', '2');
    await axeAudit(projector.page, 'projector: qa slide');
    await shot(projector.page, 'projector-questions');
    others.forEach((o) => o.c.close());
    assertQuiet(w);
    assertQuiet(projector.w);
  } finally {
    await ctx.close();
  }
});
