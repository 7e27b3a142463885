// runs-lib.mjs -- what the tests of runs, reports and the organiser's page
// share: a room that votes on one poll, and reading results back.
import assert from 'node:assert/strict';

import { CODE, SLIDE, command, joinAttendee, joinPresenter } from './lib.mjs';

export const ADMIN_KEY = 'organiser-key-0123456789abcdef';

// The presenter moves to q1 (arriving opens it), one attendee per choice
// votes, the presenter closes the poll.  Returns the attendees' tokens.
export async function voteRoom(server, choices, { code = CODE, poll = 'q1', slide = SLIDE.q1 } = {}) {
  const p = await joinPresenter(server, code);
  await command(p.c, { type: 'goto', slide }, (s) => s.poll?.id === poll && s.poll.status === 'open');
  const tokens = [];
  for (const [i, choice] of choices.entries()) {
    const a = await joinAttendee(server, code, { label: `voter${i}` });
    await a.c.vote(poll, choice);
    tokens.push(a.welcome.participant);
    a.c.close();
  }
  await command(p.c, { type: 'close' }, (s) => s.poll?.id === poll && s.poll.status === 'closed');
  p.c.close();
  return tokens;
}

export function tally(choices) {
  const t = { yes: 0, no: 0 };
  for (const c of choices) t[c]++;
  return t;
}

// The counts of poll in a results.json document's session.
export function countsOf(session, poll = 'q1') {
  const p = session.polls.find((x) => x.id === poll);
  assert.ok(p, `no poll ${poll} in ${JSON.stringify(session.polls.map((x) => x.id))}`);
  return { ...p.counts };
}

export function adminHeaders(key = ADMIN_KEY) {
  return { Authorization: `Bearer ${key}` };
}

// fetch with a bounded wait, returning { status, headers, body, json }.
export async function call(server, method, path, { headers = {}, body } = {}) {
  const res = await fetch(server.url(path), { method, headers, body, signal: AbortSignal.timeout(10000) });
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, body: text, bytes, json };
}

// Runs SQL that changes the data file (the server must be stopped): how a
// test makes a run look old.
export async function sqlWrite(db, statements) {
  const { execFile } = await import('node:child_process');
  await new Promise((resolve, reject) => {
    execFile('sqlite3', ['-bail', db, statements], (e, stdout, stderr) =>
      (e ? reject(new Error(`sqlite3 ${db}: ${e.message}\n${stderr}`)) : resolve(stdout)));
  });
}

// Makes every time in the data file `ms` older, as if that long had passed.
export async function age(db, ms) {
  await sqlWrite(db, `UPDATE runs SET started_at = started_at - ${ms}, updated_at = updated_at - ${ms},
    ended_at = CASE WHEN ended_at > 0 THEN ended_at - ${ms} ELSE 0 END;
    UPDATE votes SET voted_at = voted_at - ${ms}; UPDATE participants SET joined_at = joined_at - ${ms};
    UPDATE sessions SET created_at = created_at - ${ms}, updated_at = updated_at - ${ms};`);
}

// The files of a zip archive (an xlsx workbook) by name, inflated: enough
// of the format (central directory, stored or deflated entries) to read what
// libxlsxwriter writes.
export async function unzip(buf) {
  const { inflateRawSync } = await import('node:zlib');
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const files = {};
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30);
    const comment = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataAt, dataAt + size);
    files[name] = (method === 8 ? inflateRawSync(raw) : raw).toString('utf8');
    at += 46 + nameLen + extra + comment;
  }
  return files;
}
