// watch-kinds.test.mjs -- `handsup serve --watch` against the kinds and runs
// of DESIGN sections 7 and 10: an edit that reorders a choice poll's options
// and adds one keeps each vote with its option, a text poll keeps its
// answers, audience questions and their upvotes stay, and the session stays
// in the same run (a reload is not a new run); a kill -9 after the reload and
// a restart on the edited deck find the same.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';

import { acked } from './kinds-lib.mjs';
import { Server, command, joinAttendee, joinPresenter, tempDir } from './lib.mjs';

const CODE = '47104710';
const dir = tempDir('handsup-watch-kinds-');
const deckPath = path.join(dir, 'live.md');
const data = path.join(dir, 'live.db');
const deck = (title, options) => `---
code: ${CODE}
qa: on
---

# ${title}

---

<!-- poll: choice -->
<!-- id: pick -->
# Which matters most?

${options.map((o) => `- ${o}`).join('\n')}

---

<!-- poll: text -->
<!-- id: words -->
# One word for today?
`;

let server;
after(async () => {
  await server?.stop();
});

function save(text) {
  const tmp = `${deckPath}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, deckPath);
}

// The presenter's tally on slide, sent after the goto (not one queued before).
async function tallyOn(p, slide, poll) {
  p.drain();
  await command(p, { type: 'goto', slide }, (s) => s.slide.index === slide);
  return p.next('tally', (t) => t.poll === poll);
}

test('a reload keeps choice votes by option, text answers, questions and the run', async () => {
  fs.writeFileSync(deckPath, deck('Version one', ['Evidence', 'Clarity', 'Consistency']));
  server = new Server({ decks: [deckPath], data, args: ['--watch'] });
  await server.start();
  let { c: p, welcome } = await joinPresenter(server, CODE);
  const run = welcome.session.run.number;
  const { c: a } = await joinAttendee(server, CODE, { label: 'a' });
  const { c: b } = await joinAttendee(server, CODE, { label: 'b' });

  await command(p, { type: 'goto', slide: 1 }, (s) => s.poll?.id === 'pick' && s.poll.status === 'open');
  await a.next('state', (s) => s.poll?.id === 'pick' && s.poll.status === 'open');
  await acked(a, { type: 'vote', poll: 'pick', choice: 'clarity' });
  await acked(b, { type: 'vote', poll: 'pick', choice: 'consistency' });
  await command(p, { type: 'goto', slide: 2 }, (s) => s.poll?.id === 'words' && s.poll.status === 'open');
  await a.next('state', (s) => s.poll?.id === 'words' && s.poll.status === 'open');
  await acked(a, { type: 'answer', poll: 'words', text: 'Trust' });
  await acked(b, { type: 'answer', poll: 'words', text: 'trust' });
  const q = await acked(a, { type: 'ask', text: 'Who reads the reports?' });
  await acked(b, { type: 'upvote', question: q.question });

  // Options reordered and one added: votes follow their option ids.
  save(deck('Version two', ['Consistency', 'Relationships', 'Clarity', 'Evidence']));
  const m = await p.next('deck', (x) => x.deck.slides[0].title === 'Version two', 10000);
  assert.deepEqual(m.deck.slides[1].poll.options.map((o) => o.id), ['consistency', 'relationships', 'clarity', 'evidence']);

  const check = async (label) => {
    const t = await tallyOn(p, 1, 'pick');
    assert.deepEqual(t.counts, { consistency: 1, relationships: 0, clarity: 1, evidence: 0 }, label);
    const w = await tallyOn(p, 2, 'words');
    assert.deepEqual([w.entries, w.answers], [[{ text: 'Trust', count: 2 }], 2], label);
    const qs = await p.next('questions', (x) => x.items.length === 1, 5000);
    assert.deepEqual(qs.items.map((i) => [i.id, i.votes]), [[q.question, 1]], label);
  };
  await check('after the reload');
  // The run is the same one: the reload did not start another.
  ({ c: p, welcome } = await joinPresenter(server, CODE, server.key, { label: 'p2' }));
  assert.equal(welcome.session.run.number, run);
  a.close();
  b.close();

  // What the reload kept is what the data file holds.
  await server.kill();
  server = new Server({ decks: [deckPath], data });
  await server.start();
  ({ c: p, welcome } = await joinPresenter(server, CODE));
  assert.equal(welcome.session.run.number, run);
  await check('after kill -9 and a restart on the edited deck');
  p.close();
});
