// phones-lib.mjs -- a room of phones that keep voting through a restart:
// each phone votes, waits for the ack, votes the other way, and so on; when
// its connection closes (a "bye", a restart) it reconnects with its token,
// as web/app.js does, and settles the vote it had in flight from the state
// it gets back.  At the end, what each phone was acknowledged is compared
// with what the data file holds: an acknowledged vote missing from the file
// is an ack lost.
import { Client } from './lib.mjs';
import { sql, tokenHash } from './durable-lib.mjs';

export class Phone {
  // server: anything with wsUrl and origin (the port stays the same across
  // processes); poll: the open poll's id.
  constructor(server, code, poll, label, { intervalMs = 100 } = {}) {
    Object.assign(this, { server, code, poll, label, intervalMs });
    this.token = undefined;
    this.lastAcked = null;   // the choice of the newest acknowledged vote
    this.pending = null;     // { id, choice } sent, no answer yet
    this.acks = 0;
    this.byes = [];          // reasons of the byes received
    this.closes = [];        // close codes seen
    this.reconnects = 0;
    this.refused = 0;        // connection attempts that failed (refused, reset)
    this.errors = [];        // refusals other than a restart's
    this.stopped = false;
    this.c = null;
  }

  async run() {
    while (!this.stopped) {
      try {
        await this.session();
      } catch (e) {
        if (this.stopped) break;
        this.lastError = e.message;
        if (/cannot connect|upgrade refused/.test(e.message)) this.refused++;
      }
      if (this.stopped) break;
      this.reconnects++;
      // The page's backoff starts at 250-500 ms; a test need not wait so long.
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 150));
    }
  }

  // One connection: join, settle, vote until it closes.
  async session() {
    const c = await Client.connect(this.server, { label: this.label, timeoutMs: 3000 });
    this.c = c;
    try {
      const join = { type: 'join', code: this.code };
      if (this.token) join.participant = this.token;
      c.send(join);
      const welcome = await c.next('welcome', null, 5000);
      this.token = welcome.participant;
      const state = await c.next('state', null, 5000);
      if (this.pending) {
        // Sent on the last connection, unanswered: the file has it, or not.
        if (state.myVote === this.pending.choice) this.settle(this.pending.choice);
        this.pending = null;
      }
      while (!this.stopped && !c.closeInfo) {
        const choice = this.lastAcked === 'yes' ? 'no' : 'yes';
        const id = c.request({ type: 'vote', poll: this.poll, choice });
        this.pending = { id, choice };
        const m = await c.next(['ack', 'error', 'bye'], (x) => x.type === 'bye' || x.id === id, 10000);
        if (m.type === 'bye') {
          this.byes.push(m.reason);
          // Stay for the ack; the server closes once it has flushed.
          const m2 = await c.next(['ack', 'error'], (x) => x.id === id, 10000);
          if (m2.type === 'ack') this.settle(choice);
          this.pending = m2.type === 'ack' ? null : this.pending;
          await c.closed;
          break;
        }
        if (m.type === 'ack') {
          this.settle(choice);
          this.pending = null;
        } else {
          this.errors.push(m.code);
          this.pending = null;
        }
        await new Promise((r) => setTimeout(r, this.intervalMs * (0.5 + Math.random())));
      }
    } finally {
      const bye = c.seen.find((m) => m.type === 'bye');
      if (bye && !this.byes.length) this.byes.push(bye.reason);
      const info = c.closeInfo || await Promise.race([c.closed, new Promise((r) => setTimeout(() => r(null), 10))]);
      if (info) this.closes.push(info.code);
      if (this.stopped) c.terminate();
    }
  }

  settle(choice) {
    this.lastAcked = choice;
    this.acks++;
  }

  // Stops voting; resolves once the vote in flight is answered or dropped.
  async stop() {
    this.stopped = true;
    const deadline = Date.now() + 5000;
    while (this.pending && this.c && !this.c.closeInfo && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    this.c?.terminate();
  }
}

// Phones whose acknowledged vote is not the one the data file holds for
// them (an unanswered vote sent after it may have overtaken it: fine).
// Returns the list of { label, acked, stored }.
export async function acksLost(dataFile, code, poll, phones) {
  // The session's state is its newest run's (schema 3: keyed by run_id).
  const sid = `(SELECT r.id FROM runs r JOIN sessions s ON s.id = r.session_id WHERE s.code = '${code}'
    ORDER BY r.number DESC LIMIT 1)`;
  const rows = await sql(dataFile, `SELECT hex(p.token_hash) AS h, v.choice AS choice
    FROM votes v JOIN participants p ON p.run_id = v.run_id AND p.idx = v.participant
    WHERE v.run_id = ${sid} AND v.poll_id = '${poll}'`);
  const stored = new Map(rows.map((r) => [r.h, r.choice]));
  const lost = [];
  for (const ph of phones) {
    if (!ph.lastAcked) continue;
    const got = ph.token ? stored.get(tokenHash(ph.token)) : undefined;
    const overtaken = ph.pending && got === ph.pending.choice;
    if (got !== ph.lastAcked && !overtaken) lost.push({ label: ph.label, acked: ph.lastAcked, stored: got });
  }
  return lost;
}
