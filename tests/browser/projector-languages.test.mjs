// projector-languages.test.mjs -- the projector view speaks the deck's
// "lang:": its own words (join corner, counters, poll state, controls) from
// presenter/i18n, lang and dir on <html>, axe clean; in Arabic the stage is
// mirrored (the join corner on the left, checked by position) and counts are
// in Arabic digits; a deck reload that changes "lang:" changes the words.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  KEY, PROJECTOR, SOURCE_DIR, Server, assertQuiet, axeAudit, expectAttr, expectText, joinAttendee, joinPresenter,
  launchBrowser, openPoll, screenshotDir, settle, tempDir, watch,
} from './browser-lib.mjs';
import { writeTemp } from '../integration/lib.mjs';

const DE = '55520001';
const AR = '55520002';
const RELOAD = '55520003';
const POLL_SLIDE = 1;

const words = (lang) => JSON.parse(readFileSync(path.join(SOURCE_DIR, 'presenter', 'i18n', `${lang}.json`), 'utf8'));
const fill = (text, params) => text.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
const deck = (code, lang) => [
  '---', `title: Deck ${lang}`, `code: ${code}`, `lang: ${lang}`, '---', '',
  '# Welcome', '', '---', '', '<!-- poll: yesno -->', '<!-- id: q -->', '', '# Coffee?', '',
].join('\n');

let browser;
let server;
let reloadDeck;

before(async () => {
  const dir = tempDir();
  reloadDeck = writeTemp(dir, 'reload.md', deck(RELOAD, 'fr'));
  server = new Server({
    decks: [writeTemp(dir, 'de.md', deck(DE, 'de')), writeTemp(dir, 'ar.md', deck(AR, 'ar')), reloadDeck],
    key: KEY,
    args: ['--watch'],
  });
  await server.start();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function projector(code) {
  const ctx = await browser.newContext({ ...PROJECTOR, bypassCSP: true });
  const page = await ctx.newPage();
  const w = watch(page);
  await page.goto(server.url(`/present/#${code}/${KEY}`));
  return { ctx, page, w };
}

test('German deck: the projector\'s own words in German, axe clean', async () => {
  const de = words('de');
  const { ctx, page, w } = await projector(DE);
  const { c: presenter } = await joinPresenter(server, DE);
  try {
    await expectText(page, '#conn-status', de['conn.joined']);
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    assert.equal(await page.getAttribute('html', 'dir'), 'ltr');
    await expectText(page, '.corner .corner-label >> nth=0', de['projector.joinAt']);
    await expectText(page, '#people', fill(de['projector.people'].other, { count: 0 }));
    await expectAttr(page, '#qr', 'alt', de['projector.qrAlt']);
    await expectText(page, '[data-action="next"]', de['console.nextSlide']);
    await openPoll(presenter, POLL_SLIDE);
    await expectText(page, '#poll-state', de['poll.open']);
    await expectText(page, '#voted-label', de['people.voted'].other);
    await expectText(page, '#reveal-button', de['console.reveal']);
    assert.equal(await page.title(), `Deck de \u2013 ${de['projector.title']}`);
    await axeAudit(page, 'projector de');
    assertQuiet(w);
  } finally {
    await presenter.close();
    await ctx.close();
  }
});

test('Arabic deck: mirrored stage, Arabic words and digits', async () => {
  const ar = words('ar');
  const { ctx, page, w } = await projector(AR);
  const { c: presenter } = await joinPresenter(server, AR);
  let attendee;
  try {
    await expectText(page, '#conn-status', ar['conn.joined']);
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    const slide = await page.locator('#slide').boundingBox();
    const corner = await page.locator('#corner').boundingBox();
    assert.ok(corner.x < slide.x, `RTL: the join corner on the left (${corner.x}), the slide on the right (${slide.x})`);
    assert.equal(await page.getAttribute('#join-code', 'dir'), 'ltr', 'the join code reads left to right');
    await openPoll(presenter, POLL_SLIDE);
    await expectText(page, '#poll-state', ar['poll.open']);
    await expectText(page, '#slide-index', fill(ar['console.slideOf'], { n: '\u0662', count: '\u0662' }));
    ({ c: attendee } = await joinAttendee(server, AR));
    attendee.request({ type: 'vote', poll: 'q', choice: 'yes' });
    await expectText(page, '#bar-yes .count', '\u0661');
    await expectText(page, '#bar-yes .pct', fill(ar['console.percent'], { pct: '\u0661\u0660\u0660' }));
    await expectText(page, '#bar-yes .label', ar['option.yes']);
    const yes = await page.locator('#bar-yes .label').boundingBox();
    const count = await page.locator('#bar-yes .count').boundingBox();
    assert.ok(yes.x > count.x, 'RTL: a bar\'s label on the right, its count on the left');
    await settle(page);
    await page.screenshot({ path: path.join(screenshotDir(), 'projector-ar.png') });
    await axeAudit(page, 'projector ar');
    assertQuiet(w);
  } finally {
    await attendee?.close();
    await presenter.close();
    await ctx.close();
  }
});

test('a deck reload that changes lang: switches the projector\'s words', async () => {
  const { ctx, page, w } = await projector(RELOAD);
  try {
    await expectText(page, '#conn-status', words('fr')['conn.joined']);
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    writeFileSync(reloadDeck, deck(RELOAD, 'it'));
    await expectAttr(page, 'html', 'lang', 'it');
    await expectText(page, '.corner .corner-label >> nth=0', words('it')['projector.joinAt']);
    await expectText(page, '#conn-status', words('it')['conn.joined']);
    assertQuiet(w);
  } finally {
    await ctx.close();
  }
});
