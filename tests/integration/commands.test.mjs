// commands.test.mjs -- every presenter command gets an answer: a command
// that succeeds but changes nothing (goto to the slide shown, open on an open
// poll, close on a closed one, reveal or hide twice, next on the last slide,
// prev on the first) still brings the commanding presenter a fresh state
// (and, on a poll slide, a tally); errors stay errors, and a goto out of
// range says how many slides there are.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { SLIDE, command, joinPresenter, startServer } from './lib.mjs';

let server;
let presenter;

before(async () => {
  server = await startServer();
  ({ c: presenter } = await joinPresenter(server));
});

after(async () => {
  await presenter?.close();
  await server?.stop();
});

// Sends cmd and returns the state that answers it; fails on an error with
// its id, or when no state comes.  Older states are dropped first, so the
// state returned was sent after the command.
async function answered(cmd, pred = () => true) {
  presenter.drain('state');
  presenter.drain('tally');
  const id = presenter.request(cmd);
  const m = await presenter.next(['state', 'error'], (x) => x.type === 'state' || x.id === id, 3000);
  assert.equal(m.type, 'state', `${JSON.stringify(cmd)}: ${JSON.stringify(m)}`);
  assert.ok(pred(m), `${JSON.stringify(cmd)}: ${JSON.stringify(m)}`);
  return m;
}

test('goto to the slide shown, and prev on the first slide, answer with a state', async () => {
  const s = await answered({ type: 'goto', slide: SLIDE.welcome });
  assert.equal(s.slide.index, SLIDE.welcome);
  await answered({ type: 'goto', slide: SLIDE.welcome }, (x) => x.slide.index === SLIDE.welcome);
  await answered({ type: 'prev' }, (x) => x.slide.index === SLIDE.welcome);
});

test('open on an open poll, close twice, reveal and hide twice, reset twice: a state (and a tally) each', async () => {
  await command(presenter, { type: 'goto', slide: SLIDE.q1 }, (s) => s.poll?.id === 'q1' && s.poll.status === 'open');
  await answered({ type: 'goto', slide: SLIDE.q1 }, (x) => x.poll?.status === 'open');
  const open = await answered({ type: 'open' }, (x) => x.poll?.id === 'q1' && x.poll.status === 'open');
  assert.equal(open.slide.index, SLIDE.q1);
  const t = await presenter.next('tally', (m) => m.poll === 'q1', 3000);
  assert.equal(t.status, 'open');
  await answered({ type: 'close' }, (x) => x.poll?.status === 'closed');
  await answered({ type: 'close' }, (x) => x.poll?.status === 'closed');
  assert.equal((await presenter.next('tally', (m) => m.poll === 'q1', 3000)).status, 'closed');
  await answered({ type: 'reveal' }, (x) => x.poll?.revealed === true);
  await answered({ type: 'reveal' }, (x) => x.poll?.revealed === true);
  await answered({ type: 'hide' }, (x) => x.poll?.revealed === false);
  await answered({ type: 'hide' }, (x) => x.poll?.revealed === false);
  await answered({ type: 'reset' });
  await answered({ type: 'reset' });
  await answered({ type: 'open' }, (x) => x.poll?.status === 'open');
  await answered({ type: 'open' }, (x) => x.poll?.status === 'open');
});

test('timer start and stop on a discussion slide, twice each: a state each', async () => {
  await command(presenter, { type: 'goto', slide: SLIDE.discuss }, (s) => s.slide.index === SLIDE.discuss);
  await answered({ type: 'timer', action: 'stop' }, (x) => x.slide.discuss?.running === false);
  await answered({ type: 'timer', action: 'stop' }, (x) => x.slide.discuss?.running === false);
  await answered({ type: 'timer', action: 'start' }, (x) => x.slide.discuss?.running === true);
  await answered({ type: 'timer', action: 'start' }, (x) => x.slide.discuss?.running === true);
});

test('next on the last slide answers with a state', async () => {
  await command(presenter, { type: 'goto', slide: SLIDE.thanks }, (s) => s.slide.index === SLIDE.thanks);
  await answered({ type: 'next' }, (x) => x.slide.index === SLIDE.thanks);
  await answered({ type: 'next' }, (x) => x.slide.index === SLIDE.thanks);
});

test('errors stay errors: a goto out of range says how many slides there are', async () => {
  for (const slide of [SLIDE.count, 99, 100000]) {
    const id = presenter.request({ type: 'goto', slide });
    const e = await presenter.nextError(id);
    assert.equal(e.code, 'bad_message', JSON.stringify(e));
    assert.equal(e.message, `no slide ${slide}: the deck has ${SLIDE.count} slides (0 to ${SLIDE.count - 1})`);
  }
  const id = presenter.request({ type: 'goto', slide: -1 });
  assert.equal((await presenter.nextError(id)).code, 'bad_message');
  // On a slide without a poll, poll commands are still refused.
  await command(presenter, { type: 'goto', slide: SLIDE.welcome }, (s) => s.slide.index === SLIDE.welcome);
  const oid = presenter.request({ type: 'open' });
  assert.equal((await presenter.nextError(oid)).code, 'unknown_poll');
});
