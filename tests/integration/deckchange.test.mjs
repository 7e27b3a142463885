// deckchange.test.mjs -- the deck file changes between two runs on the same
// data file: polls are matched by id, a poll removed from the deck keeps its
// results for export (with a warning), a poll with an explicit id keeps its
// votes wherever it moved, and a derived id whose question changed (because
// a poll was inserted before it) is reported instead of silently carrying
// votes over to another question.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { Server, command, joinAttendee, joinPresenter, runCli, tempDir, writeTemp } from './lib.mjs';

const CODE = '31415926';
const dir = tempDir('handsup-deckchange-');
const data = path.join(dir, 'change.db');

const before_ = `---
title: Deck that changes
code: ${CODE}
---

# Welcome

---

<!-- poll: yesno -->
# Alpha?

---

<!-- poll: yesno -->
<!-- id: keep -->
# Is this poll kept?

---

<!-- poll: yesno -->
<!-- id: drop -->
# Is this poll dropped?
`;

// "drop" is gone, a new poll comes first, and "keep" moved; the first poll
// slide derives the same id as before (from its position) for another
// question.
const after_ = `---
title: Deck that changes
code: ${CODE}
---

# Welcome

---

<!-- poll: yesno -->
# Inserted question?

---

<!-- poll: yesno -->
# Alpha?

---

<!-- poll: yesno -->
<!-- id: keep -->
# Is this poll kept?
`;

// The server writes its start-up warnings to stderr before its banner on
// stdout, but the two pipes are read independently: wait for the line
// rather than assume it arrived first.
async function stderrMatch(re, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!re.test(server.stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.match(server.stderr, re);
}

const deckPath = writeTemp(dir, 'deck.md', before_);
let server;
let token;

before(async () => {
  server = new Server({ decks: [deckPath], data });
  await server.start();
  const { c: p, welcome } = await joinPresenter(server, CODE);
  const slides = welcome.deck.slides;
  const { c: a, welcome: aw } = await joinAttendee(server, CODE);
  token = aw.participant;
  for (const [i, choice] of [[1, 'no'], [2, 'yes'], [3, 'no']]) {
    const id = slides[i].poll.id;
    await command(p, { type: 'goto', slide: i }, (s) => s.poll?.id === id && s.poll.status === 'open');
    await a.vote(id, choice);
  }
  await a.close();
  await p.close();
  await server.stop();
  writeTemp(dir, 'deck.md', after_);
  server = new Server({ decks: [deckPath], data });
  await server.start();
});

after(async () => {
  await server?.stop();
});

test('a poll removed from the deck is reported at start-up and kept for export', async () => {
  await stderrMatch(/level=warn msg="poll in the data file is no longer in the deck[^"]*" deck=\S*deck\.md poll=drop/);
  const res = await server.get(`/api/sessions/${CODE}/results.json`, { Authorization: `Bearer ${server.key}` });
  assert.equal(res.status, 200);
  const polls = JSON.parse(res.body).sessions[0].polls;
  const drop = polls.find((x) => x.id === 'drop');
  assert.ok(drop, `the removed poll is in the export: ${res.body}`);
  assert.deepEqual(drop.counts, { yes: 0, no: 1 });
  assert.equal(drop.removed, true);
  // handsup export reads the same from the data file.  Marking the poll
  // removed is a write without an acknowledgement (docs/storage.md,
  // Durability), so the file may show it a moment after start-up: read it
  // until it does, for at most 3 s, then compare everything.
  let fromFile;
  for (const until = Date.now() + 3000; ;) {
    const cli = await runCli(['export', '--data', data, '--format', 'json', CODE]);
    assert.equal(cli.code, 0, cli.stderr);
    fromFile = JSON.parse(cli.stdout).sessions[0].polls.find((x) => x.id === 'drop');
    if (fromFile?.removed || Date.now() > until) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(fromFile, drop);
});

test('a poll with an explicit id keeps its votes where it moved', async () => {
  const { c: p, welcome, state: now } = await joinPresenter(server, CODE);
  const keepSlide = welcome.deck.slides.findIndex((s) => s.poll?.id === 'keep');
  assert.equal(keepSlide, 3);
  if (now.slide.index !== keepSlide)
    await command(p, { type: 'goto', slide: keepSlide }, (s) => s.poll?.id === 'keep');
  const { c, state } = await joinAttendee(server, CODE, { participant: token });
  assert.equal(state.poll.id, 'keep');
  assert.equal(state.myVote, 'yes');
  await c.close();
  await p.close();
});

test('a derived id now naming another question is reported', async () => {
  await stderrMatch(/level=warn msg="poll question changed since its votes were cast[^"]*" deck=\S*deck\.md poll=\S+ was=Alpha\? now="Inserted question\?"/);
});
