// marp.test.mjs -- Marp decks load as Marp shows them (DESIGN section 8): for
// every deck in tests/decks/marp/ (written to cover headingDivider in front
// matter and in comments, YAML comments, local and spot directives, image
// keywords in titles, backgrounds and splits, fragmented lists, emoji and
// strikethrough in titles, tables, code, notes), the slide count and each
// slide's title that handsup serves equal what @marp-team/marp-core (a test
// dependency) produces for the same file.
//
// A slide's title on the Marp side is the text of its first heading that has
// any text: text, code and emoji tokens of the heading, images left out (Marp
// renders an image's alt, never its keywords, and textContent has none),
// white space collapsed, as handsup's titles are made.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { Marp } from '@marp-team/marp-core';

import { SOURCE_DIR, Server, joinPresenter, runCli } from './lib.mjs';

const CORPUS = path.join(SOURCE_DIR, 'tests', 'decks', 'marp');
const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.md')).sort();

function marpSlides(text) {
  const tokens = new Marp().markdown.parse(text, {});
  const slides = [];
  let cur = null;
  let inHeading = false;
  for (const t of tokens) {
    if (t.type === 'marpit_slide_open') slides.push((cur = { title: null }));
    else if (t.type === 'heading_open') inHeading = true;
    else if (t.type === 'heading_close') inHeading = false;
    else if (inHeading && t.type === 'inline' && cur && cur.title === null) {
      const text = t.children.map((c) => {
        if (c.type === 'text' || c.type === 'code_inline' || c.type === 'marp_emoji' || c.type === 'emoji') return c.content;
        if (c.type === 'softbreak' || c.type === 'hardbreak') return ' ';
        return '';
      }).join('').replace(/\s+/g, ' ').trim();
      if (text) cur.title = text;
    }
  }
  return slides.map((s) => s.title);
}

let server;
const decks = {};

before(async () => {
  server = new Server({ decks: files.map((f) => path.join(CORPUS, f)) });
  await server.start();
  const codes = [...server.stdout.matchAll(/join code:\s+(\d{8})/g)].map((m) => m[1]);
  assert.equal(codes.length, files.length, server.output());
  for (let i = 0; i < files.length; i++) {
    const { c, welcome } = await joinPresenter(server, codes[i]);
    decks[files[i]] = welcome.deck.slides;
    await c.close();
  }
});

after(async () => { await server?.stop(); });

for (const f of files) {
  test(`${f}: slide count and titles as marp-core`, () => {
    const want = marpSlides(fs.readFileSync(path.join(CORPUS, f), 'utf8'));
    const got = decks[f].map((s) => s.title);
    assert.deepEqual(got, want);
  });
}

test('the corpus covers what it claims', () => {
  const all = files.map((f) => fs.readFileSync(path.join(CORPUS, f), 'utf8')).join('\n');
  for (const re of [/headingDivider: 2/, /<!-- headingDivider: 1 #/, /headingDivider: \[1, 3\]/, /^# a YAML comment/m,
    /!\[bg right:42% 86%\]/, /!\[bg left\]/, /!\[w:70\]/, /~~\w+~~/, /:smile:/, /^\* /m, /^1\) /m, /_class: lead/,
    /prettier-ignore-start/, /<!-- https:/, /\|---\|/]) {
    assert.match(all, re);
  }
});

test('handsup check warns about nothing in the corpus but its missing pictures', async () => {
  const r = await runCli(['check', ...files.map((f) => path.join(CORPUS, f))]);
  assert.equal(r.code, 0, r.stderr);
  const warnings = r.stdout.split('\n').filter((l) => l.includes(': warning: '));
  const other = warnings.filter((l) => !/warning: image "[^"]+" is not found beside the deck/.test(l));
  assert.deepEqual(other, []);
});
