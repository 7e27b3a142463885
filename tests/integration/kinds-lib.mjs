// kinds-lib.mjs -- what the tests of poll kinds beyond yes/no share: the
// deck with one poll of each kind (decks/kinds.md) and small helpers.
import path from 'node:path';

import { DECKS, command } from './lib.mjs';

export const KINDS_DECK = path.join(DECKS, 'kinds.md');
export const KINDS_CODE = '24682468';
// Slides of decks/kinds.md.
export const K = { welcome: 0, single: 1, multi: 2, scale: 3, words: 4, wall: 5, qa: 6 };

// Sends obj with a fresh id; resolves with the ack or error answering it.
export async function reply(c, obj, timeoutMs = 5000) {
  const id = c.request(obj);
  return c.next(['ack', 'error'], (m) => m.id === id, timeoutMs);
}

// Like reply, but the answer must be an ack.
export async function acked(c, obj, timeoutMs = 5000) {
  const m = await reply(c, obj, timeoutMs);
  if (m.type !== 'ack') throw new Error(`${c.label}: ${JSON.stringify(obj)} refused: ${JSON.stringify(m)}`);
  return m;
}

// Like reply, but the answer must be an error with code.
export async function refused(c, obj, code, timeoutMs = 5000) {
  const m = await reply(c, obj, timeoutMs);
  if (m.type !== 'error' || m.code !== code) {
    throw new Error(`${c.label}: ${JSON.stringify(obj)}: expected error ${code}, got ${JSON.stringify(m)}`);
  }
  return m;
}

// Moves the presenter to slide and waits for its state there.
export function goto(p, slide) {
  return command(p, { type: 'goto', slide }, (s) => s.slide.index === slide);
}
