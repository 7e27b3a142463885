// watch.test.mjs -- `handsup serve --watch` (DESIGN section 8): an edit to
// the deck reaches presenters ({"type":"deck"}) and phones (a new state) as a
// restart with the changed deck would: votes stay with their poll id, a
// deleted poll keeps its results for export; a broken edit prints file:line
// and keeps the running deck; an image changed beside the deck gets a new URL.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { Server, joinAttendee, joinPresenter, tempDir } from './lib.mjs';
import { PNG } from './media-lib.mjs';

const CODE = '36925814';
const dir = tempDir('handsup-watch-');
const deckPath = path.join(dir, 'live.md');
const deck = (title, withDrop = true) => `---
code: ${CODE}
---

# ${title}

![](pic.png)

---

<!-- poll: yesno -->
<!-- id: keep -->
# Is this poll kept?
${withDrop ? `
---

<!-- poll: yesno -->
<!-- id: drop -->
# Is this poll deleted later?
` : ''}`;

let server;
let p;
let a;

// Replaces the file the way editors do: write aside, then rename over it.
function save(text) {
  const tmp = `${deckPath}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, deckPath);
}

before(async () => {
  fs.writeFileSync(path.join(dir, 'pic.png'), PNG);
  fs.writeFileSync(deckPath, deck('Version one'));
  server = new Server({ decks: [deckPath], args: ['--watch'] });
  await server.start();
  ({ c: p } = await joinPresenter(server, CODE));
  ({ c: a } = await joinAttendee(server, CODE));
  // Votes on both polls.
  p.request({ type: 'goto', slide: 1 });
  await a.next('state', (s) => s.poll?.id === 'keep' && s.poll.status === 'open');
  await a.vote('keep', 'yes');
  p.request({ type: 'goto', slide: 2 });
  await a.next('state', (s) => s.poll?.id === 'drop' && s.poll.status === 'open');
  await a.vote('drop', 'no');
});

after(async () => {
  await a?.close();
  await p?.close();
  await server?.stop();
});

test('an edit reaches the presenter and the phones', async () => {
  const t0 = Date.now();
  save(deck('Version two'));
  const m = await p.next('deck', (x) => x.deck.slides[0].title === 'Version two', 10000);
  const ms = Date.now() - t0;
  assert.equal(m.deck.slides.length, 3);
  assert.match(server.stderr, /msg="deck reloaded" deck=\S*live\.md slides=3 polls=2/);
  // The phone sees the same poll, still with its vote.
  const st = await a.next('state', (s) => s.poll?.id === 'drop', 10000);
  assert.equal(st.myVote, 'no');
  console.log(`# deck reload reached the presenter in ${ms} ms`);
});

test('a broken edit prints file:line and keeps the running deck', async () => {
  const before_ = server.stderr.length;
  save(deck('Broken').replace('<!-- poll: yesno -->\n<!-- id: keep -->', '<!-- poll: maybe -->\n<!-- id: keep -->'));
  const deadline = Date.now() + 10000;
  while (!/deck not reloaded/.test(server.stderr.slice(before_)) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const out = server.stderr.slice(before_);
  assert.match(out, new RegExp(`${deckPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:11: unknown poll kind "maybe"`));
  assert.match(out, /msg="deck not reloaded; the running version stays"/);
  // Still the last good deck: a vote on "keep" works.
  p.request({ type: 'goto', slide: 1 });
  await a.next('state', (s) => s.poll?.id === 'keep');
  assert.equal((await p.next('state', (s) => s.slide.index === 1)).slide.title, 'Is this poll kept?');
});

test('a deleted poll keeps its results; the kept poll keeps its votes', async () => {
  save(deck('Version three', false));
  const m = await p.next('deck', (x) => x.deck.slides[0].title === 'Version three', 10000);
  assert.equal(m.deck.slides.length, 2);
  assert.match(server.stderr, /msg="poll is no longer in the deck; its results are kept for export" deck=\S+ poll=drop/);
  const res = await fetch(server.url(`/api/sessions/${CODE}/results.json`), {
    headers: { Authorization: `Bearer ${server.key}` },
  }).then((r) => r.json());
  const polls = Object.fromEntries(res.sessions[0].polls.map((x) => [x.id, x]));
  assert.equal(polls.keep.counts.yes, 1);
  assert.equal(polls.drop.counts.no, 1);
  assert.equal(polls.drop.slide, null);
});

test('an image changed beside the deck gets a new URL', async () => {
  const { c: p2, welcome } = await joinPresenter(server, CODE);
  const url1 = /src="([^"]+)"/.exec(welcome.deck.slides[0].html)[1];
  fs.writeFileSync(path.join(dir, 'pic.png'), Buffer.concat([PNG, Buffer.from('changed')]));
  const m = await p2.next('deck', (x) => !x.deck.slides[0].html.includes(url1), 10000);
  const url2 = /src="([^"]+)"/.exec(m.deck.slides[0].html)[1];
  assert.notEqual(url2, url1);
  assert.equal((await fetch(server.url(url2))).status, 200);
  await p2.close();
});
