// attendee-languages.test.mjs -- the attendee page in every language of
// web/i18n.js, on a phone: lang and dir on <html>, the words from the
// catalogue, axe clean, the focus order; Welsh and Arabic pictured; Arabic
// mirrored (checked by where things are, not only by dir), its digits in
// counts and a code typed in them; the menu switches the language and is
// remembered; ?lang= survives the join; a vote confirmation announced in
// the chosen language.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  KEY, PHONE, SOURCE_DIR, Server, axeAudit, command, expectAttr, expectText, joinPresenter, launchBrowser, openPoll,
  screenshotDir, settle, tempDir, watch, assertQuiet,
} from './browser-lib.mjs';
import { writeTemp } from '../integration/lib.mjs';

const LANGS = ['en', 'cy', 'de', 'fr', 'es', 'nl', 'pl', 'pt', 'it', 'ar'];
const CODE = '55510001';     // a deck without lang: (the page's choice decides)
const CYCODE = '55510002';   // a deck with lang: cy
const SLIDE = { yesno: 1, scale: 2 };

const words = (lang) => JSON.parse(readFileSync(path.join(SOURCE_DIR, 'web', 'i18n', `${lang}.json`), 'utf8'));
// A catalogue sentence with its placeholders filled, for the plain (non-plural) keys.
const fill = (text, params) => text.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
const ARABIC_DIGITS = /[\u0660-\u0669]/;

let browser;
let server;
let presenter;
let cyPresenter;

before(async () => {
  const dir = tempDir();
  const deck = (code, lang) => [
    '---', 'title: Languages', `code: ${code}`, ...(lang ? [`lang: ${lang}`] : []), '---', '',
    '# Welcome', '', '---', '', '<!-- poll: yesno -->', '<!-- id: q -->', '', '# Coffee?', '', '---', '',
    '<!-- poll: scale -->', '<!-- id: s -->', '<!-- range: 1-5 -->', '', '# How clear?', '',
  ].join('\n');
  server = new Server({ decks: [writeTemp(dir, 'plain.md', deck(CODE)), writeTemp(dir, 'cy.md', deck(CYCODE, 'cy'))], key: KEY });
  await server.start();
  browser = await launchBrowser();
  ({ c: presenter } = await joinPresenter(server, CODE));
  ({ c: cyPresenter } = await joinPresenter(server, CYCODE));
  await openPoll(presenter, SLIDE.yesno);
  await openPoll(cyPresenter, SLIDE.yesno);
});

after(async () => {
  await presenter?.close();
  await cyPresenter?.close();
  await browser?.close();
  await server?.stop();
});

async function phone(locale = 'en-US') {
  const ctx = await browser.newContext({ ...PHONE, locale, bypassCSP: true });
  const page = await ctx.newPage();
  return { ctx, page, w: watch(page) };
}

// The ids the Tab key visits first, from the top of the page.
async function focusOrder(page, n) {
  await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
  const ids = [];
  for (let i = 0; i < n; i++) {
    await page.keyboard.press('Tab');
    ids.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName));
  }
  return ids;
}

test('every language: lang and dir, the catalogue\'s words, axe clean, focus from the menu to the answers', async () => {
  const { ctx, page, w } = await phone();
  try {
    for (const lang of LANGS) {
      const cat = words(lang);
      await page.goto(server.url(`/j/${CODE}?lang=${lang}`));
      await expectText(page, '#poll-status', cat['poll.open']);
      await expectText(page, '#my-vote', cat['vote.tap']);
      await expectText(page, '#vote-yes .choice-label', cat['option.yes']);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      assert.equal(await page.getAttribute('html', 'dir'), lang === 'ar' ? 'rtl' : 'ltr');
      assert.equal(await page.inputValue('#lang-select'), lang);
      assert.equal(await page.getAttribute('#lang-select option[value="cy"]', 'lang'), 'cy', 'each language named in itself');
      assert.equal(await page.textContent('label[for="lang-select"]'), cat['lang.label']);
      assert.equal(await page.title(), `Languages \u2013 ${cat['page.title']}`);
      assert.deepEqual(await focusOrder(page, 3), ['lang-select', 'vote-yes', 'vote-no'], `${lang}: focus order`);
      await axeAudit(page, `attendee ${lang}`);
    }
    assertQuiet(w);
  } finally {
    await ctx.close();
  }
});

test('Arabic: mirrored, a code typed in Arabic digits joins and keeps ?lang=, counts in Arabic digits', async () => {
  const ar = words('ar');
  const en = words('en');
  const { ctx, page, w } = await phone('en-US');
  try {
    // English first, to compare sides with.
    await page.goto(server.url('/?lang=en'));
    await expectText(page, '#join-heading', en['join.heading']);
    const ltrBrand = await page.locator('.brand').boundingBox();
    const ltrMenu = await page.locator('#lang-select').boundingBox();
    assert.ok(ltrBrand.x < ltrMenu.x, 'English: the name on the left, the menu on the right');

    await page.goto(server.url('/?lang=ar'));
    await expectText(page, '#join-heading', ar['join.heading']);
    const brand = await page.locator('.brand').boundingBox();
    const menu = await page.locator('#lang-select').boundingBox();
    assert.ok(brand.x > menu.x, `Arabic: the name on the right (${brand.x}), the menu on the left (${menu.x})`);
    // The heading's text sits at the right edge of its line.
    const edge = await page.evaluate(() => {
      const h = document.getElementById('join-heading');
      const r = document.createRange();
      r.selectNodeContents(h);
      const text = r.getBoundingClientRect();
      const box = h.getBoundingClientRect();
      return { gapRight: box.right - text.right, gapLeft: text.left - box.left, align: getComputedStyle(h).textAlign };
    });
    assert.ok(edge.gapRight < 2 && edge.gapLeft > 20, `Arabic heading right-aligned: ${JSON.stringify(edge)}`);
    assert.equal(await page.getAttribute('#code-input', 'dir'), 'ltr', 'a code reads left to right');

    await page.click('#code-input');
    await page.keyboard.insertText('\u0665\u0665\u0665\u0661 \u0660\u0660\u0660\u0661'); // ٥٥٥١ ٠٠٠١
    await page.click('#join-button');
    await expectText(page, '#poll-status', ar['poll.open']);
    assert.deepEqual(await page.evaluate(() => [location.pathname, location.search]), [`/j/${CODE}`, '?lang=ar']);

    // A scale: 1 on the right, 5 on the left, in Arabic digits.
    await openPoll(presenter, SLIDE.scale);
    await expectText(page, '#vote-1 .choice-label', '\u0661');
    const one = await page.locator('#vote-1').boundingBox();
    const five = await page.locator('#vote-5').boundingBox();
    assert.ok(one.x > five.x, `Arabic scale runs right to left (1 at ${one.x}, 5 at ${five.x})`);
    await page.tap('#vote-3');
    await expectText(page, '#announce', fill(ar['scale.recorded'], { value: '\u0663' }), { state: 'attached' });
    await command(presenter, { type: 'close' }, (s) => s.poll?.status === 'closed');
    await command(presenter, { type: 'reveal' }, (s) => s.poll?.results);
    await expectText(page, '#result-rows [data-option="3"] .result-num', fill(ar['results.count'], { count: '\u0661', pct: '\u0661\u0660\u0660' }));
    await expectText(page, '#result-stats', fill(ar['scale.stats'], { mean: '\u0663', median: '\u0663' }));
    assert.doesNotMatch(await page.textContent('#result-rows'), /[0-9]/, 'no Latin digits in the Arabic results');
    await expectText(page, '#result-voters', ar['results.voters'].one); // Arabic's "one" form: no number
    assert.match(await page.textContent('#choices'), ARABIC_DIGITS);
    await settle(page);
    await page.screenshot({ path: path.join(screenshotDir(), 'attendee-ar.png') });
    await axeAudit(page, 'attendee ar results');
    assertQuiet(w);
  } finally {
    await ctx.close();
    await openPoll(presenter, SLIDE.yesno);
  }
});

test('Welsh: a vote is confirmed aloud in Welsh', async () => {
  const cy = words('cy');
  const { ctx, page, w } = await phone('en-GB');
  try {
    await page.goto(server.url(`/j/${CODE}?lang=cy`));
    await expectText(page, '#poll-status', cy['poll.open']);
    await page.tap('#vote-yes');
    await expectAttr(page, '#vote-yes', 'aria-pressed', 'true');
    await expectText(page, '#my-vote', fill(cy['vote.changeable'], { choice: cy['option.yes'] }));
    await expectText(page, '#announce', fill(cy['vote.recorded'], { choice: cy['option.yes'] }), { state: 'attached' });
    assert.equal(await page.getAttribute('#announce', 'aria-live'), 'polite');
    await settle(page);
    await page.screenshot({ path: path.join(screenshotDir(), 'attendee-cy.png') });
    await axeAudit(page, 'attendee cy voted');
    assertQuiet(w);
  } finally {
    await ctx.close();
  }
});

test('the deck\'s lang: first, then the menu wins and is remembered; ?lang= is rewritten by the menu', async () => {
  const { ctx, page, w } = await phone('en-US');
  try {
    await page.goto(server.url(`/j/${CYCODE}`));
    await expectText(page, '#poll-status', words('cy')['poll.open']);
    assert.equal(await page.getAttribute('html', 'lang'), 'cy', 'the deck\'s lang: beats the phone\'s English');

    await page.selectOption('#lang-select', 'de');
    await expectText(page, '#poll-status', words('de')['poll.open']);
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    await page.reload();
    await expectText(page, '#poll-status', words('de')['poll.open']);
    assert.equal(await page.inputValue('#lang-select'), 'de', 'the menu\'s choice is remembered');

    await page.goto(server.url(`/j/${CYCODE}?lang=fr`));
    await expectText(page, '#poll-status', words('fr')['poll.open']);
    await page.selectOption('#lang-select', 'es');
    await expectText(page, '#poll-status', words('es')['poll.open']);
    assert.equal(await page.evaluate(() => location.search), '?lang=es', 'the address follows the menu');
    await page.reload();
    await expectText(page, '#poll-status', words('es')['poll.open']);

    // A join typed on the front page keeps ?lang= in the /j/ link.
    await page.goto(server.url('/?lang=pl'));
    await expectText(page, '#join-heading', words('pl')['join.heading']);
    await page.fill('#code-input', CODE);
    await page.click('#join-button');
    await expectText(page, '#poll-status', words('pl')['poll.open']);
    assert.deepEqual(await page.evaluate(() => [location.pathname, location.search]), [`/j/${CODE}`, '?lang=pl']);
    assertQuiet(w);
  } finally {
    await ctx.close();
  }
});
