// console.test.mjs -- what the speaker console adds to the protocol, over
// the wire: timer add/subtract/pause/resume reaching phones; a timer that
// keeps running while the presenter steps away; passing through a poll
// (a clicker's double press) leaving it as if never opened, and the exact
// edge of that rule; blank reaching every presenter and no phone; speaker
// notes rendered in the welcome; the deck's language in both welcomes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  SLIDE, Server, command, deck, joinAttendee, joinPresenter, sleep, tempDir, writeTemp,
} from './lib.mjs';

// The pass-through window of docs/protocol.md ("Passing through a poll").
const PASS_MS = 3000;

let server;
let presenter;
let phone;

before(async () => {
  server = new Server({ decks: [deck('basic.md')] });
  await server.start();
  ({ c: presenter } = await joinPresenter(server));
  ({ c: phone } = await joinAttendee(server));
});

after(async () => {
  await phone?.close();
  await presenter?.close();
  await server?.stop();
});

// The phone's next state whose discussion timer satisfies pred.
function phoneTimer(pred) {
  return phone.next('state', (s) => s.slide.kind === 'discuss' && pred(s.slide.discuss), 5000);
}

test('timer add, subtract, pause and resume reach the phones', async () => {
  await command(presenter, { type: 'goto', slide: SLIDE.welcome }, (s) => s.slide.index === SLIDE.welcome);
  const start = await command(presenter, { type: 'goto', slide: SLIDE.discuss }, (s) => s.slide.index === SLIDE.discuss);
  const end0 = start.slide.discuss.endsAt;
  assert.equal(start.slide.discuss.seconds, 120);
  await phoneTimer((d) => d.running && d.endsAt === end0);

  phone.drain('state');
  await command(presenter, { type: 'timer', action: 'add', seconds: 60 }, (s) => s.slide.discuss.endsAt === end0 + 60000);
  await phoneTimer((d) => d.running && d.endsAt === end0 + 60000);

  await command(presenter, { type: 'timer', action: 'add', seconds: -60 }, (s) => s.slide.discuss.endsAt === end0);
  await phoneTimer((d) => d.running && d.endsAt === end0);

  const paused = await command(presenter, { type: 'timer', action: 'pause' }, (s) => s.slide.discuss.running === false);
  assert.equal(paused.slide.discuss.endsAt, null);
  const left = paused.slide.discuss.remaining;
  assert.ok(left > 100 && left <= 120, `remaining ${left}`);
  const ph = await phoneTimer((d) => !d.running);
  assert.equal(ph.slide.discuss.remaining, left, 'the phone shows the paused time');

  // Paused: waiting changes nothing; +1 min while paused adds to what is left.
  await sleep(1100);
  await command(presenter, { type: 'timer', action: 'add', seconds: 60 }, (s) => s.slide.discuss.remaining === left + 60);
  await phoneTimer((d) => !d.running && d.remaining === left + 60);

  const resumed = await command(presenter, { type: 'timer', action: 'resume' }, (s) => s.slide.discuss.running === true);
  const shouldEnd = resumed.serverTime + (left + 60) * 1000;
  assert.ok(Math.abs(resumed.slide.discuss.endsAt - shouldEnd) <= 1000, 'runs on from where it was paused');
  await phoneTimer((d) => d.running && d.endsAt === resumed.slide.discuss.endsAt);
});

test('a timer keeps running while the presenter steps away and back', async () => {
  const s = await command(presenter, { type: 'timer', action: 'start' }, (x) => x.slide.discuss?.running === true);
  const ends = s.slide.discuss.endsAt;
  await command(presenter, { type: 'prev' }, (x) => x.slide.index === SLIDE.welcome);
  await sleep(300);
  const back = await command(presenter, { type: 'next' }, (x) => x.slide.index === SLIDE.discuss);
  assert.equal(back.slide.discuss.endsAt, ends, 'not restarted by coming back');
  assert.equal(back.slide.discuss.running, true);
});

test('timer commands on a slide without a timer, and malformed ones, are refused plainly', async () => {
  await command(presenter, { type: 'goto', slide: SLIDE.welcome }, (s) => s.slide.index === SLIDE.welcome);
  const id = presenter.request({ type: 'timer', action: 'add', seconds: 60 });
  const e = await presenter.next('error', (m) => m.id === id);
  assert.equal(e.code, 'bad_message');
  assert.match(e.message, /slide 0 has no discussion timer/);
  const id2 = presenter.request({ type: 'timer', action: 'add', seconds: 0 });
  const e2 = await presenter.next('error', (m) => m.id === id2);
  assert.match(e2.message, /seconds/);
});

test('passing through a poll in under 3 s leaves it as if never opened', async () => {
  await command(presenter, { type: 'goto', slide: SLIDE.discuss }, (s) => s.slide.index === SLIDE.discuss);
  // A double press: q1 is shown for a moment, then q2.
  presenter.drain('tally');
  await command(presenter, { type: 'next' }, (s) => s.slide.index === SLIDE.q1 && s.poll.status === 'open');
  await command(presenter, { type: 'next' }, (s) => s.slide.index === SLIDE.q2);
  // A phone that tapped late is told the poll is closed, as for any poll not open now.
  const id = phone.request({ type: 'vote', poll: 'q1', choice: 'yes' });
  assert.equal((await phone.next('error', (m) => m.id === id)).code, 'poll_closed');
  // Back at q1: it opens, as a poll never opened does, and takes votes.
  const back = await command(presenter, { type: 'prev' }, (s) => s.slide.index === SLIDE.q1);
  assert.equal(back.poll.status, 'open', 'q1 was passed through, not closed');
  const v = phone.request({ type: 'vote', poll: 'q1', choice: 'yes' });
  await phone.next('ack', (m) => m.id === v);

  // q2 (shown for a moment on the way back) is as if never opened too.
  const q2 = await command(presenter, { type: 'goto', slide: SLIDE.q2 }, (s) => s.slide.index === SLIDE.q2);
  assert.equal(q2.poll.status, 'open');

  // q1 has a vote now: leaving it, however soon, closes it.
  await command(presenter, { type: 'goto', slide: SLIDE.q1 }, (s) => s.slide.index === SLIDE.q1);
  await command(presenter, { type: 'goto', slide: SLIDE.q3 }, (s) => s.slide.index === SLIDE.q3);
  const q1 = await command(presenter, { type: 'goto', slide: SLIDE.q1 }, (s) => s.slide.index === SLIDE.q1);
  assert.equal(q1.poll.status, 'closed', 'a poll with a vote closes when left');
});

test('a poll shown for 3 s or more is closed when left', async () => {
  // q3 was passed through above (shown for a moment): it opens on arrival.
  const s = await command(presenter, { type: 'goto', slide: SLIDE.q3 }, (x) => x.slide.index === SLIDE.q3);
  assert.equal(s.poll.status, 'open');
  await sleep(PASS_MS + 100);
  await command(presenter, { type: 'goto', slide: SLIDE.thanks }, (x) => x.slide.index === SLIDE.thanks);
  const back = await command(presenter, { type: 'goto', slide: SLIDE.q3 }, (x) => x.slide.index === SLIDE.q3);
  assert.equal(back.poll.status, 'closed');
});

test('blank reaches every presenter window and no phone; a slide change ends it', async () => {
  const { c: second } = await joinPresenter(server, undefined, undefined, { label: 'console' });
  try {
    phone.drain('state');
    second.drain('state');
    await command(presenter, { type: 'blank', on: true }, (s) => s.blank === true);
    await second.next('state', (s) => s.blank === true);
    const ps = await phone.next('state', null, 5000);
    assert.equal(ps.blank, undefined, 'phones are not told about the projector');
    await command(second, { type: 'next' }, (s) => s.slide.index === SLIDE.thanks && s.blank === false);
    await presenter.next('state', (s) => s.slide.index === SLIDE.thanks && s.blank === false);
    const id = presenter.request({ type: 'blank', on: 'yes' });
    assert.equal((await presenter.next('error', (m) => m.id === id)).code, 'bad_message');
    const a = phone.request({ type: 'blank', on: true });
    assert.equal((await phone.next('error', (m) => m.id === a)).code, 'forbidden');
  } finally {
    await second.close();
  }
});

test('the welcome carries rendered speaker notes and the deck language', async () => {
  const dir = tempDir();
  const path = writeTemp(dir, 'lang.md', [
    '---', 'title: Noson', 'code: 24681357', 'lang: cy', '---', '',
    '# Croeso', '', '<!-- Ask **Sam** <img src=x onerror=alert(1)> -->', '',
  ].join('\n'));
  const s2 = new Server({ decks: [path] });
  await s2.start();
  try {
    const { c: p, welcome } = await joinPresenter(s2, '24681357');
    const slide = welcome.deck.slides[0];
    assert.equal(slide.notes.trim(), 'Ask **Sam** <img src=x onerror=alert(1)>');
    assert.match(slide.notesHtml, /<strong>Sam<\/strong>/);
    assert.doesNotMatch(slide.notesHtml, /<img/);
    assert.equal(welcome.session.lang, 'cy');
    await p.close();
    const { c: a, welcome: w2 } = await joinAttendee(s2, '24681357');
    assert.equal(w2.session.lang, 'cy');
    await a.close();
  } finally {
    await s2.stop();
  }
  const { c: plain, welcome: w3 } = await joinAttendee(server);
  assert.equal(w3.session.lang, undefined, 'a deck without lang: sends none');
  await plain.close();
});
