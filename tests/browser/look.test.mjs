// look.test.mjs -- decks as facilitators make them, in a real browser
// (DESIGN section 8): screenshots of a table slide, an image slide, a split
// "bg left" slide, a PDF page and a themed deck on the projector and the
// phone (in $HANDSUP_SCREENSHOT_DIR); the checks a machine can make: the
// images load, the split puts the picture on its side, fragments appear one
// by one with the next key, and the three themes pass axe-core's contrast
// rules on both screens.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { Server, command, joinPresenter, tempDir } from '../integration/lib.mjs';
import { PNG, makePdf } from '../integration/media-lib.mjs';
import { PHONE, PROJECTOR, assertQuiet, expectState, launchBrowser, screenshotDir, settle, watch } from './browser-lib.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const KEY = 'look-test-key-0123456789abcdef';
const shots = screenshotDir();
const dir = tempDir('handsup-look-');
const SVG_MAP = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600" viewBox="0 0 800 600">
<rect width="800" height="600" fill="#dce9f5"/><path d="M120 80 L520 60 L700 300 L560 540 L180 520 L80 300 Z" fill="#8fb8de" stroke="#0f2a47" stroke-width="6"/>
<circle cx="380" cy="280" r="60" fill="#c0392b"/><text x="300" y="420" font-family="sans-serif" font-size="48" fill="#0f2a47">North</text></svg>`;

function deck(code, theme) {
  return `---
code: ${code}
theme: ${theme}
accent: "#00703c"
logo: logo.png
paginate: true
footer: "Practice day"
---

# Caseload ~~2011~~ 2014

| Area | 2011 | 2014 |
|:-----|-----:|-----:|
| North | 1,204 | 1,031 |
| South | 986 | 1,118 |
| Coast | 455 | 402 |

---

# Where families live

![w:420](map.svg)

---

![bg left:45%](map.svg)

## What the map shows

* Most referrals come from the north
* The coast is under-served
* Transport is the barrier

---

<!-- pdf: deck.pdf 1 -->

---

<!-- poll: yesno -->
# Should we open a coastal office?

![h:160](map.svg)
`;
}

let browser;
const servers = [];
const people = [];

before(async () => {
  fs.writeFileSync(path.join(dir, 'map.svg'), SVG_MAP);
  fs.writeFileSync(path.join(dir, 'logo.png'), PNG);
  makePdf(path.join(dir, 'deck.pdf'), 1, 'From PowerPoint');
  browser = await launchBrowser();
});

after(async () => {
  await Promise.all(people.map((c) => c.close()));
  await browser?.close();
  await Promise.all(servers.map((s) => s.stop()));
});

async function serve(code, theme) {
  const f = path.join(dir, `${theme}.md`);
  fs.writeFileSync(f, deck(code, theme));
  const s = new Server({ decks: [f], key: KEY });
  await s.start();
  servers.push(s);
  const { c } = await joinPresenter(s, code, KEY);
  people.push(c);
  return { s, p: c };
}

async function audit(page, label) {
  await settle(page);
  // Evaluated through the DevTools protocol, which the pages' CSP does not
  // govern: the pages themselves run under their real policy here.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const v = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast'] } });
    return r.violations.flatMap((x) => x.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`));
  });
  assert.deepEqual(v, [], `${label}: colour contrast`);
}

async function imagesLoaded(page, selector) {
  await page.waitForFunction((sel) => [...document.querySelectorAll(sel)].every((i) => i.complete && i.naturalWidth > 0), selector);
}

for (const [theme, code] of [['light', '51515151'], ['dark', '52525252'], ['contrast', '53535353']]) {
  test(`${theme} theme: projector and phone, every kind of slide`, async () => {
    const { s, p } = await serve(code, theme);
    const proj = await browser.newContext({ ...PROJECTOR, bypassCSP: false });
    const phoneCtx = await browser.newContext({ ...PHONE });
    const page = await proj.newPage();
    const phone = await phoneCtx.newPage();
    const w = watch(page);
    const wp = watch(phone);
    await page.goto(s.url(`/present/#${code}/${KEY}`));
    await phone.goto(s.url(`/j/${code}`));
    await expectState(page, '#slide-body table');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), theme);
    assert.equal((await page.locator('.hu-footer').textContent()).trim(), 'Practice day');
    assert.equal((await page.locator('.hu-page').textContent()).trim(), '1');
    await imagesLoaded(page, '#deck-logo');
    await page.screenshot({ path: path.join(shots, `look-${theme}-table-projector.png`) });
    await audit(page, `${theme} projector table`);
    await expectState(phone, '#waiting');
    await phone.screenshot({ path: path.join(shots, `look-${theme}-waiting-phone.png`) });
    await audit(phone, `${theme} phone waiting`);

    // An image slide.
    await command(p, { type: 'goto', slide: 1 }, (x) => x.slide.index === 1);
    await expectState(page, '#slide-body img[width="420"]');
    await imagesLoaded(page, '#slide-body img');
    await page.screenshot({ path: path.join(shots, `look-${theme}-image-projector.png`) });

    // A split "bg left:45%" slide: the picture takes the left 45%; the
    // bullets appear one by one with the next key.
    await command(p, { type: 'goto', slide: 2 }, (x) => x.slide.index === 2);
    await expectState(page, '#slide.hu-split[data-split="left"]');
    const box = await page.evaluate(() => {
      const bg = document.querySelector('#slide > .hu-bg').getBoundingClientRect();
      const sl = document.querySelector('#slide').getBoundingClientRect();
      const body = document.querySelector('#slide-body').getBoundingClientRect();
      return { bgLeft: bg.left - sl.left, share: bg.width / sl.width, bodyLeft: body.left - sl.left };
    });
    assert.ok(Math.abs(box.bgLeft) < 2 && Math.abs(box.share - 0.45) < 0.02, JSON.stringify(box));
    assert.ok(box.bodyLeft >= box.share * 0.9 * (await page.evaluate(() => document.querySelector('#slide').clientWidth)));
    const hidden = () => page.locator('#slide-body li.hu-fragment-hidden').count();
    assert.equal(await hidden(), 3);
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelectorAll('#slide-body li.hu-fragment-hidden').length === 2);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelectorAll('#slide-body li.hu-fragment-hidden').length === 0);
    assert.equal(await page.evaluate(() => document.querySelector('#slide').dataset.index), '2');
    await page.screenshot({ path: path.join(shots, `look-${theme}-split-projector.png`) });
    await audit(page, `${theme} projector split`);
    await page.keyboard.press('ArrowRight'); // past the last fragment: the next slide

    // A PDF page: a full-slide image, contained.
    await page.waitForFunction(() => document.querySelector('#slide').dataset.index === '3');
    await page.waitForFunction(() => {
      const el = document.querySelector('#slide > .hu-bg .hu-bg-image');
      return el && getComputedStyle(el).backgroundSize === 'contain';
    });
    await page.screenshot({ path: path.join(shots, `look-${theme}-pdf-projector.png`) });

    // The poll: its picture on the phone too, scaled to the screen.
    await command(p, { type: 'goto', slide: 4 }, (x) => x.slide.index === 4 && x.poll?.status === 'open');
    await expectState(phone, '#poll-media img');
    await imagesLoaded(phone, '#poll-media img');
    const fits = await phone.evaluate(() => [...document.querySelectorAll('#poll-media img')]
      .every((i) => i.getBoundingClientRect().right <= window.innerWidth));
    assert.ok(fits, 'the poll picture fits the phone');
    await phone.screenshot({ path: path.join(shots, `look-${theme}-poll-phone.png`) });
    await audit(phone, `${theme} phone poll`);
    await page.screenshot({ path: path.join(shots, `look-${theme}-poll-projector.png`) });
    await audit(page, `${theme} projector poll`);
    assertQuiet(w);
    assertQuiet(wp);
    await proj.close();
    await phoneCtx.close();
  });
}
