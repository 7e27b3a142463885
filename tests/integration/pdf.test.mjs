// pdf.test.mjs -- "<!-- pdf: FILE [A-B] -->" (DESIGN section 8): each page a
// full-slide image rendered before the loop and cached beside the data file
// by the PDF's hash; the expanded pages count in slide indexes, goto, the
// presenter's slide count and exports; a missing, encrypted or broken PDF,
// or a range outside it, is a file:line error; `handsup check` counts pages.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { Server, command, joinAttendee, joinPresenter, runCli, tempDir } from './lib.mjs';
import { makeEncryptedPdf, makePdf, rawRequest } from './media-lib.mjs';

const CODE = '13571357';
const dir = tempDir('handsup-pdf-');
const data = path.join(dir, 'pdf.db');
const deckPath = path.join(dir, 'talk.md');
let server;

before(() => {
  makePdf(path.join(dir, 'slides.pdf'), 5, 'Page');
  fs.writeFileSync(deckPath, `---
code: ${CODE}
---

# Welcome

---

<!-- pdf: slides.pdf 2-4 -->
<!-- Speaker note for the first PDF page. -->

---

<!-- poll: yesno -->
<!-- id: after-pdf -->
# Did the figures convince you?

---

<!-- pdf: slides.pdf 5 -->
`);
});

after(async () => { await server?.stop(); });

test('pages are rendered at start-up into the cache beside the data file', async () => {
  server = new Server({ decks: [deckPath], data });
  await server.start();
  assert.match(server.stderr, /msg="PDF pages ready" deck=\S*talk\.md pages=4 render_seconds=[\d.]+/);
  const cache = fs.readdirSync(`${data}.pages`).sort();
  assert.equal(cache.length, 4, cache.join(' '));
  assert.ok(cache.every((f) => /^[0-9a-f]{32}-[2-5]\.png$/.test(f)), cache.join(' '));
});

test('the expanded pages count in slides, goto, the presenter and exports', async () => {
  const { c: p, welcome } = await joinPresenter(server, CODE);
  const slides = welcome.deck.slides;
  assert.equal(slides.length, 6);
  assert.deepEqual(slides.map((s) => s.pdfPage ?? 0), [0, 2, 3, 4, 0, 5]);
  assert.equal(slides[1].notes, 'Speaker note for the first PDF page.');
  assert.equal(slides[2].title, 'Page 3');
  for (const i of [1, 2, 3, 5]) {
    assert.equal(slides[i].bg.length, 1);
    assert.equal(slides[i].bg[0].size, 'contain');
    const r = await rawRequest(server, slides[i].bg[0].url);
    assert.equal(r.status, 200, slides[i].bg[0].url);
    assert.equal(r.headers['content-type'], 'image/png');
    assert.equal(r.headers['cache-control'], 'max-age=31536000, immutable');
    // 1920x1080 at most, the page's 16:9 kept: the PNG header says so.
    assert.equal(r.body.readUInt32BE(16), 1920);
    assert.equal(r.body.readUInt32BE(20), 1080);
  }
  const st = await command(p, { type: 'goto', slide: 4 }, (s) => s.slide.index === 4);
  assert.equal(st.slide.count, 6);
  assert.equal(st.poll.id, 'after-pdf');
  const { c: a } = await joinAttendee(server, CODE);
  await a.vote('after-pdf', 'yes');
  const res = await fetch(server.url(`/api/sessions/${CODE}/results.json`), {
    headers: { Authorization: `Bearer ${server.key}` },
  }).then((r) => r.json());
  const poll = res.sessions[0].polls.find((x) => x.id === 'after-pdf');
  assert.equal(poll.slide, 5); // exports count slides from 1 (results JSON v2)
  assert.equal(res.sessions[0].slides, 6);
  await a.close();
  await p.close();
});

test('a restart reuses the cached pages (same PDF bytes, same files)', async () => {
  const before_ = fs.readdirSync(`${data}.pages`).map((f) => fs.statSync(path.join(`${data}.pages`, f)).mtimeMs);
  await server.stop();
  server = new Server({ decks: [deckPath], data });
  await server.start();
  const after_ = fs.readdirSync(`${data}.pages`).map((f) => fs.statSync(path.join(`${data}.pages`, f)).mtimeMs);
  assert.deepEqual(after_, before_);
});

test('missing, encrypted and broken PDFs and bad ranges are file:line errors', async () => {
  makeEncryptedPdf(path.join(dir, 'locked.pdf'));
  fs.writeFileSync(path.join(dir, 'broken.pdf'), '%PDF-1.4\nthis is not a PDF\n');
  const cases = [
    ['missing.pdf', /:3: PDF "missing.pdf" is not found beside the deck/],
    ['locked.pdf', /:3: PDF "locked.pdf" is encrypted/],
    ['broken.pdf', /:3: PDF "broken.pdf" cannot be opened: it is damaged or not a PDF/],
    ['slides.pdf 4-9', /:3: PDF "slides.pdf" has 5 pages; the range 4-9 is outside it/],
    ['slides.pdf 3-1', /:3: bad page range "3-1"/],
  ];
  for (const [arg, re] of cases) {
    const f = path.join(dir, 'bad.md');
    fs.writeFileSync(f, `# Bad\n\n<!-- pdf: ${arg} -->\n`);
    const check = await runCli(['check', f]);
    assert.equal(check.code, 1, arg);
    assert.match(check.stderr, re);
    const serve = await runCli(['serve', '--port', '0', '--data', path.join(dir, 'bad.db'), f]);
    assert.equal(serve.code, 1, arg);
    assert.match(serve.stderr, re);
  }
});

test('handsup check counts the pages without rendering them', async () => {
  const r = await runCli(['check', deckPath]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /6 slides \(4 from PDF pages\), 1 poll/);
  assert.match(r.stdout, /slide 5 \(line \d+\): poll "after-pdf" \(yesno\): Did the figures convince you\?/);
});
