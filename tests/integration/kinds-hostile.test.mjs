// kinds-hostile.test.mjs -- hostile free text in answers and questions:
// oversized, markup and script, bidirectional overrides, zero-width
// characters, emoji sequences, NUL, invalid UTF-8, control sequences and
// spreadsheet formulas.  Each is refused, or stored cleaned and shown inert
// in the exports (the pages are checked in tests/browser/kinds.test.mjs).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { RawWs } from './hostile-frames.mjs';
import { acked, goto, K, KINDS_CODE, KINDS_DECK, refused } from './kinds-lib.mjs';
import { joinAttendee, joinPresenter, startServer } from './lib.mjs';
import { csvObjects } from './durable-lib.mjs';

let server;
let p;
let auth;

before(async () => {
  server = await startServer({ decks: [KINDS_DECK] });
  ({ c: p } = await joinPresenter(server, KINDS_CODE));
  auth = { Authorization: `Bearer ${server.key}` };
  await goto(p, K.words);
});

after(async () => {
  await server?.stop();
});

async function attendee(label) {
  return (await joinAttendee(server, KINDS_CODE, { label })).c;
}

// The text an answer was stored with, as the presenter's answer list has it.
async function stored(id) {
  const list = await p.next('answers', (m) => m.items.some((i) => i.id === id), 3000);
  return list.items.find((i) => i.id === id).text;
}

test('a 10 KB answer is refused as too large and the connection closed', async () => {
  const a = await attendee('big');
  a.send({ type: 'answer', poll: 'words', text: 'x'.repeat(10 * 1024), id: 1 });
  const e = await a.next('error', () => true);
  assert.equal(e.code, 'too_large');
  const closed = await a.closed;
  assert.equal(closed.code, 1009);
});

test('NUL, lone surrogates and invalid UTF-8 never reach the room', async () => {
  const a = await attendee('bytes');
  // jansson refuses both while parsing, before it has read an id to echo.
  a.send({ type: 'answer', poll: 'words', text: 'a\u0000b', id: 76 });
  assert.match((await a.next('error', (m) => m.code === 'bad_json')).message, /u0000/);
  a.send('{"type":"answer","poll":"words","text":"\\ud800","id":77}');
  assert.match((await a.next('error', (m) => m.code === 'bad_json')).message, /[Uu]nicode|surrogate|escape/);
  // A frame that is not UTF-8 closes the connection (1007) before any parse.
  const w = await RawWs.open(server.port, { origin: server.origin });
  w.sendFrame({ payload: Buffer.from(`{"type":"join","code":"${KINDS_CODE}"}`) });
  w.sendFrame({ payload: Buffer.from([...Buffer.from('{"type":"answer","poll":"words","text":"'), 0xff, 0xfe, 0x22, 0x7d]) });
  let closed;
  try {
    closed = await w.waitClosed(2000);
  } catch {
    closed = { code: w.closeFrame?.code ?? null };
  }
  assert.equal(closed.code, 1007);
  assert.ok(!w.messages.some((m) => m.type === 'ack'));
  w.destroy();
  a.close();
});

test('controls, bidi overrides and invisible characters are removed; emoji sequences kept', async () => {
  const a = await attendee('clean');
  const b = await attendee('clean-b');
  const rtl = await acked(a, { type: 'answer', poll: 'words', text: '\u202Egnp.exe\u202C\u2066x\u2069' });
  assert.equal(await stored(rtl.answer), 'gnp.exex');
  const ansi = await acked(a, { type: 'answer', poll: 'words', text: '\u001b[31mred\u0007\u200b\u00ad\ufeff' });
  assert.equal(await stored(ansi.answer), '[31mred');
  const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
  const fam = await acked(b, { type: 'answer', poll: 'words', text: ` ${family}\t\n ok ` });
  assert.equal(await stored(fam.answer), `${family} ok`);
  // Zero-width characters cannot make one answer count as two in the cloud.
  const c = await attendee('clean-c');
  await acked(c, { type: 'answer', poll: 'words', text: 'tr\u200bust' });
  await acked(c, { type: 'answer', poll: 'words', text: 'TRUST' });
  const t = await p.next('tally', (x) => x.entries?.some((e) => e.text === 'trust' && e.count === 2), 3000);
  assert.ok(t);
  [a, b, c].forEach((x) => x.close());
});

test('markup, script and formulas are kept as text and inert in every export', async () => {
  const a = await attendee('markup');
  const b = await attendee('formula');
  const script = '<script>alert(1)</script><img src=x onerror=alert(2)>';
  const s = await acked(a, { type: 'answer', poll: 'words', text: script.slice(0, 20) });
  assert.equal(await stored(s.answer), script.slice(0, 20));
  await acked(b, { type: 'answer', poll: 'words', text: '=HYPERLINK("x","y")' });
  await acked(a, { type: 'ask', text: script });
  await acked(b, { type: 'ask', text: "+cmd|' /C calc'!A0" });
  await acked(b, { type: 'ask', text: '@SUM(1+1)*cmd' });
  const html = (await server.get(`/api/sessions/${KINDS_CODE}/results.html`, auth)).body;
  assert.ok(!html.includes('<script>'), 'no live script tag');
  assert.ok(!/<img[^>]*onerror/i.test(html), 'no live img');
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;'));
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/scr'));
  const answers = csvObjects((await server.get(`/api/sessions/${KINDS_CODE}/answers.csv`, auth)).body);
  assert.equal(answers.find((r) => r.text.includes('HYPERLINK')).text, '\'=HYPERLINK("x","y")');
  const questions = csvObjects((await server.get(`/api/sessions/${KINDS_CODE}/questions.csv`, auth)).body);
  assert.deepEqual(questions.filter((r) => /^'[+@]/.test(r.text)).length, 2);
  for (const row of [...answers, ...questions]) {
    for (const cell of Object.values(row)) assert.ok(!/^[=+\-@\t\r]/.test(cell), `cell ${JSON.stringify(cell)}`);
  }
  const results = (await server.get(`/api/sessions/${KINDS_CODE}/results.csv`, auth)).body;
  assert.ok(!/,=HYPERLINK/.test(results) && !/^=/m.test(results));
  a.close();
  b.close();
});

test('a participant cannot upvote twice, answer beyond the limit or upvote a hidden question', async () => {
  const a = await attendee('limits-a');
  const b = await attendee('limits-b');
  const q = await acked(a, { type: 'ask', text: 'Twice?' });
  for (let i = 0; i < 5; i++) await acked(b, { type: 'upvote', question: q.question });
  const list = await p.next('questions', (m) => m.items.some((i) => i.id === q.question && i.votes === 1), 3000);
  assert.equal(list.items.find((i) => i.id === q.question).votes, 1);
  await acked(p, { type: 'question', question: q.question, action: 'hide' });
  await refused(b, { type: 'upvote', question: q.question }, 'bad_message');
  await acked(a, { type: 'answer', poll: 'words', text: 'one' });
  await acked(a, { type: 'answer', poll: 'words', text: 'two' });
  // Sent together, before either is committed: the second is still refused.
  const ids = [a.request({ type: 'answer', poll: 'words', text: 'three' }), a.request({ type: 'answer', poll: 'words', text: 'four' })];
  for (const id of ids) assert.equal((await a.next(['ack', 'error'], (m) => m.id === id)).code, 'limit_reached');
  const c = await attendee('burst');
  const burst = [c.request({ type: 'answer', poll: 'words', text: 'x1' }), c.request({ type: 'answer', poll: 'words', text: 'x2' }),
    c.request({ type: 'answer', poll: 'words', text: 'x3' })];
  const replies = await Promise.all(burst.map((id) => c.next(['ack', 'error'], (m) => m.id === id)));
  assert.deepEqual(replies.map((m) => m.type === 'ack' ? 'ack' : m.code), ['ack', 'ack', 'limit_reached']);
  [a, b, c].forEach((x) => x.close());
});
