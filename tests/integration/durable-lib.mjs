// durable-lib.mjs -- helpers for the durability tests (crash, fault, export):
// read the data file with the sqlite3 command-line shell, map participant
// tokens to the hashes the file stores, a seeded random source so a failing
// crash run can be replayed, and an RFC 4180 reader for the CSV exports.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';

// The data file keeps SHA-256(token) only (docs/storage.md); sqlite's hex()
// prints it in upper case.
export function tokenHash(token) {
  return createHash('sha256').update(token).digest('hex').toUpperCase();
}

function execFileP(file, args, opts = {}) {
  return new Promise((resolve, reject) => {
    execFile(file, args, { maxBuffer: 64 * 1024 * 1024, ...opts }, (err, stdout, stderr) => {
      if (err) {
        err.stdout = stdout;
        err.stderr = stderr;
        reject(err);
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

// True when the sqlite3 shell is on the PATH (Debian package sqlite3).
export async function haveSqlite3() {
  try {
    await execFileP('sqlite3', ['-version']);
    return true;
  } catch {
    return false;
  }
}

// Runs one SQL statement on the data file, read-only, and returns its rows
// as objects ([] when there are none: the shell prints nothing then).
// Read-only still lets sqlite recover the WAL index a killed server left,
// so acknowledged votes still only in the -wal file are seen.  With
// { ns: pid } the shell runs inside that process's mount namespace (sqlite
// resolves symbolic links, so /proc/<pid>/root/... paths do not work).
export async function sql(db, statement, { ns } = {}) {
  const args = ['-readonly', '-bail', '-json', db, statement];
  let out;
  try {
    out = ns
      ? await execFileP('nsenter', ['-t', String(ns), '-m', '--', 'sqlite3', ...args])
      : await execFileP('sqlite3', args);
  } catch (e) {
    throw new Error(`sqlite3 ${db} "${statement}" failed: ${e.message}\n${e.stderr || ''}`);
  }
  const text = out.stdout.trim();
  return text === '' ? [] : JSON.parse(text);
}

// mulberry32: a small seeded generator, so HANDSUP_CRASH_SEED replays a run.
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));  // lo..hi inclusive
  next.pick = (arr) => arr[Math.floor(next() * arr.length)];
  return next;
}

// RFC 4180: comma-separated fields, a quoted field may hold commas, CR, LF
// and doubled quotes; records end with CRLF.  Strict: a quote inside an
// unquoted field, text after a closing quote, or an unterminated quoted
// field throws, so a sloppy writer cannot pass by accident.
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    if (text[i] === '"' && field === '') {
      i++;
      for (;;) {
        if (i >= n) throw new Error('CSV: unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
          i++;
          break;
        }
        field += text[i++];
      }
      if (i < n && text[i] !== ',' && text[i] !== '\r') {
        throw new Error(`CSV: text after a closing quote at offset ${i}`);
      }
      continue;
    }
    const ch = text[i];
    if (ch === ',') { row.push(field); field = ''; i++; continue; }
    if (ch === '\r') {
      if (text[i + 1] !== '\n') throw new Error(`CSV: bare CR at offset ${i}`);
      row.push(field); rows.push(row); row = []; field = ''; i += 2; continue;
    }
    if (ch === '\n') throw new Error(`CSV: bare LF (records end with CRLF) at offset ${i}`);
    if (ch === '"') throw new Error(`CSV: quote inside an unquoted field at offset ${i}`);
    field += ch;
    i++;
  }
  if (field !== '' || row.length) throw new Error('CSV: the last record does not end with CRLF');
  return rows;
}

// CSV rows as objects keyed by the header row.
// Every CSV handsup writes starts with a UTF-8 byte order mark (for
// spreadsheets); it is not part of the first column's name.
export function csvObjects(text) {
  const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ''));
  return rows.map((r) => {
    if (r.length !== header.length) throw new Error(`CSV: a row of ${r.length} fields under a header of ${header.length}`);
    return Object.fromEntries(header.map((h, k) => [h, r[k]]));
  });
}

// One attendee across rounds (a restart, a kill of a node or of Redis): its token and, per poll, the last acknowledged
// choice and the votes sent since then that got no answer.
export class Voter {
  constructor(i) {
    this.i = i;
    this.label = `voter${i}`;
    this.token = undefined;
    this.polls = new Map();
    this.c = null;
    // Keys of the unanswered votes.  Not the request id: every connection
    // counts ids from 1, so a vote of the next round would take the place of
    // an unanswered one of this round (which may have committed), and the
    // check would then wrongly refuse the stored row.
    this.sent = 0;
  }

  poll(id) {
    let p = this.polls.get(id);
    if (!p) {
      p = { acked: null, pending: new Map() };
      this.polls.set(id, p);
    }
    return p;
  }

  // Choices the stored row may hold.
  allowed(id) {
    const p = this.poll(id);
    const set = new Set(p.pending.values());
    if (p.acked) set.add(p.acked);
    return set;
  }
}
