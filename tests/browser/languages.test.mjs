// languages.test.mjs -- the pages in every language of web/i18n.js: one
// server with one deck per language (front matter "lang:"), and for each the
// speaker console in that language (lang and dir on <html>, its words from
// the catalogue, axe clean); in Arabic the layout is mirrored, checked by
// where the panes are, not only by the dir attribute.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  KEY, PROJECTOR, SOURCE_DIR, Server, axeAudit, expectText, launchBrowser, screenshotDir, tempDir,
} from './browser-lib.mjs';
import { writeTemp } from '../integration/lib.mjs';

const LANGS = ['en', 'cy', 'de', 'fr', 'es', 'nl', 'pl', 'pt', 'it', 'ar'];
const RTL = new Set(['ar']);
const code = (i) => `5550${String(i).padStart(4, '0')}`;

function catalogue(folder, lang) {
  return JSON.parse(readFileSync(path.join(SOURCE_DIR, folder, 'i18n', `${lang}.json`), 'utf8'));
}

let browser;
let server;

before(async () => {
  const dir = tempDir();
  const decks = LANGS.map((lang, i) => writeTemp(dir, `${lang}.md`, [
    '---', `title: Deck ${lang}`, `code: ${code(i)}`, `lang: ${lang}`, '---', '',
    '# One', '', '<!-- A **note** -->', '', '---', '', '<!-- poll: yesno -->', '<!-- id: q -->', '', '# Two?', '',
  ].join('\n')));
  server = new Server({ decks, key: KEY });
  await server.start();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

for (const [i, lang] of LANGS.entries()) {
  test(`console in ${lang}: lang and dir, the catalogue's words, axe clean`, async () => {
    const words = catalogue('presenter', lang);
    const ctx = await browser.newContext({ ...PROJECTOR, bypassCSP: true });
    try {
      const page = await ctx.newPage();
      await page.goto(server.url(`/present/#${code(i)}/${KEY}/console`));
      await expectText(page, '#conn-status', words['conn.joined']);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      assert.equal(await page.getAttribute('html', 'dir'), RTL.has(lang) ? 'rtl' : 'ltr');
      await expectText(page, '#notes-heading', words['console.notes']);
      await expectText(page, '#notes strong', 'note');
      const now = await page.locator('#now-frame').boundingBox();
      const next = await page.locator('#next-frame').boundingBox();
      if (RTL.has(lang)) {
        assert.ok(now.x > next.x, `RTL: the current slide is on the right (now at ${now.x}, next at ${next.x})`);
      } else {
        assert.ok(now.x < next.x, `LTR: the current slide is on the left (now at ${now.x}, next at ${next.x})`);
      }
      await axeAudit(page, `console ${lang}`);
      await page.keyboard.press('PageDown');
      await expectText(page, '#poll-state', words['poll.open']);
      await axeAudit(page, `console ${lang} poll`);
      if (lang === 'ar' || lang === 'cy') await page.screenshot({ path: path.join(screenshotDir(), `console-${lang}.png`) });
      await page.keyboard.press('PageUp');
      await expectText(page, '#notes strong', 'note');
    } finally {
      await ctx.close();
    }
  });
}
