// server.mjs -- the load benchmark's baseline: a plain Node.js `ws` server
// speaking the subset of the handsup protocol the load generator uses (join,
// vote, ack, state, tally, next/prev/goto/open/close), in memory, with no
// durability.  It is written the way a competent Node programmer would write
// it for production, not tuned down: one state string per room change, the
// per-phone vote appended, tallies coalesced to one per 50 ms like handsup.
//
// Usage: node server.mjs --port N [--host ADDR] [--presenter-key KEY] DECK.md
// Prints "listening on port N" once it accepts connections.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { WebSocketServer } from 'ws';

const TALLY_INTERVAL_MS = 50;
const MSG_MAX = 4096;

function parseArgs(argv) {
  const opts = { port: 8080, host: undefined, key: randomBytes(16).toString('hex'), deck: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port') opts.port = Number(argv[++i]);
    else if (a === '--host') opts.host = argv[++i];
    else if (a === '--presenter-key') opts.key = argv[++i];
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else opts.deck = a;
  }
  if (!opts.deck) throw new Error('usage: server.mjs [--port N] [--host A] [--presenter-key K] DECK.md');
  return opts;
}

// A deck reader for the directives the benchmark deck uses: front matter
// (title, code), "---" separators, poll/id directives and the first heading.
function loadDeck(path) {
  let lines = readFileSync(path, 'utf8').split('\n');
  const deck = { title: 'Deck', code: null, slides: [] };
  if (lines[0].trim() === '---') {
    const end = lines.indexOf('---', 1);
    for (const l of lines.slice(1, end)) {
      const m = /^(\w+):\s*(.*)$/.exec(l.trim());
      if (m && m[1] === 'title') deck.title = m[2];
      if (m && m[1] === 'code') deck.code = m[2].replace(/\s+/g, '');
    }
    lines = lines.slice(end + 1);
  }
  const chunks = [[]];
  for (const l of lines) {
    if (l.trim() === '---') chunks.push([]);
    else chunks[chunks.length - 1].push(l);
  }
  chunks.forEach((body, index) => {
    const text = body.join('\n');
    const heading = /^#+\s+(.*)$/m.exec(text);
    const title = heading ? heading[1].trim() : null;
    const slide = { index, kind: 'content', title, html: null, poll: null };
    if (/<!--\s*poll:\s*yesno\s*-->/.test(text)) {
      const id = /<!--\s*id:\s*([A-Za-z0-9_-]+)\s*-->/.exec(text);
      slide.kind = 'poll';
      slide.html = `<h1>${title ?? ''}</h1>\n`;
      slide.poll = {
        id: id ? id[1] : `poll-${index + 1}`, question: title, kind: 'yesno',
        options: [{ id: 'yes', label: 'Yes' }, { id: 'no', label: 'No' }],
        status: 'pending', votes: new Map(), counts: { yes: 0, no: 0 },
      };
    }
    deck.slides.push(slide);
  });
  if (!deck.code) deck.code = String(10000000 + Math.floor(Math.random() * 90000000));
  return deck;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const deck = loadDeck(opts.deck);
  const room = {
    current: 0, version: 1, statePrefix: null, prefixVersion: 0,
    participants: new Map(), // token -> { votes: Map(pollId -> choice) }
    attendees: new Set(), presenters: new Set(),
    tallyTimer: null, tallyDirty: false,
  };
  const pollOf = (i) => deck.slides[i].poll;

  function arrive(index) {
    const old = pollOf(room.current);
    if (old && old.status === 'open' && index !== room.current) old.status = 'closed';
    room.current = index;
    const p = pollOf(index);
    if (p && p.status === 'pending') p.status = 'open';
    room.version++;
  }
  arrive(0);

  function stateObject(presenter) {
    const s = deck.slides[room.current];
    const p = s.poll;
    return {
      type: 'state', version: room.version, serverTime: Date.now(),
      slide: { index: s.index, count: deck.slides.length, kind: s.kind, title: s.title, ...(s.html ? { html: s.html } : {}) },
      poll: p ? {
        id: p.id, question: p.question, kind: p.kind, options: p.options,
        status: p.status === 'open' ? 'open' : 'closed', resultsHidden: false,
        results: presenter || p.status !== 'open' ? { counts: { ...p.counts }, voters: p.votes.size } : null,
      } : null,
    };
  }

  function sendAttendeeState(ws) {
    if (room.prefixVersion !== room.version || !room.statePrefix) {
      const text = JSON.stringify(stateObject(false));
      room.statePrefix = text.slice(0, -1);
      room.prefixVersion = room.version;
    }
    const p = pollOf(room.current);
    const mine = p ? p.votes.get(ws.token) ?? null : null;
    ws.send(`${room.statePrefix},"myVote":${mine ? JSON.stringify(mine) : 'null'}}`);
  }

  function tallyObject() {
    const p = pollOf(room.current);
    if (!p) return null;
    return {
      type: 'tally', poll: p.id, status: p.status, counts: { ...p.counts }, voters: p.votes.size,
      participants: room.participants.size, connected: room.attendees.size,
      resultsHidden: false, revealed: true,
    };
  }

  function flushTally() {
    room.tallyTimer = null;
    if (!room.tallyDirty) return;
    room.tallyDirty = false;
    const t = tallyObject();
    if (!t) return;
    const text = JSON.stringify(t);
    for (const ws of room.presenters) ws.send(text);
    // A trailing timer makes the last tally after a burst exact.
    room.tallyTimer = setTimeout(flushTally, TALLY_INTERVAL_MS);
  }

  function tallyChanged() {
    room.tallyDirty = true;
    if (!room.tallyTimer) flushTally();
  }

  function roomChanged() {
    for (const ws of room.attendees) sendAttendeeState(ws);
    const text = JSON.stringify(stateObject(true));
    for (const ws of room.presenters) ws.send(text);
    tallyChanged();
  }

  const error = (ws, code, id, message) =>
    ws.send(JSON.stringify({ type: 'error', ...(id !== undefined ? { id } : {}), code, message }));

  function onJoin(ws, m) {
    if (typeof m.code !== 'string' || m.code.replace(/\s+/g, '') !== deck.code)
      return error(ws, 'unknown_session', m.id, 'no session has that code');
    if (m.key !== undefined) {
      if (m.key !== opts.key) return error(ws, 'forbidden', m.id, 'wrong presenter key');
      ws.role = 'presenter';
      room.presenters.add(ws);
      ws.send(JSON.stringify({
        type: 'welcome', role: 'presenter', protocol: 1,
        session: { code: deck.code, title: deck.title, joinUrl: `http://127.0.0.1/j/${deck.code}` },
        deck: { title: deck.title, slides: deck.slides.map((s) => ({ index: s.index, kind: s.kind, title: s.title, html: s.html })) },
        serverTime: Date.now(),
      }));
      ws.send(JSON.stringify(stateObject(true)));
      const t = tallyObject();
      if (t) ws.send(JSON.stringify(t));
      return;
    }
    let token = typeof m.participant === 'string' && room.participants.has(m.participant) ? m.participant : null;
    if (!token) {
      token = randomBytes(16).toString('hex');
      room.participants.set(token, {});
    }
    ws.role = 'attendee';
    ws.token = token;
    room.attendees.add(ws);
    ws.send(JSON.stringify({
      type: 'welcome', role: 'attendee', protocol: 1, participant: token,
      session: { code: deck.code, title: deck.title }, serverTime: Date.now(),
    }));
    sendAttendeeState(ws);
    tallyChanged();
  }

  function onVote(ws, m) {
    if (ws.role !== 'attendee') return error(ws, ws.role ? 'forbidden' : 'not_joined', m.id, 'join first');
    const p = pollOf(room.current);
    if (typeof m.poll !== 'string' || !p || p.id !== m.poll) return error(ws, 'unknown_poll', m.id, 'no such poll');
    if (m.choice !== 'yes' && m.choice !== 'no') return error(ws, 'bad_message', m.id, 'no such option');
    if (p.status !== 'open') return error(ws, 'poll_closed', m.id, 'voting on this poll is closed');
    const old = p.votes.get(ws.token);
    if (old) p.counts[old]--;
    p.votes.set(ws.token, m.choice);
    p.counts[m.choice]++;
    ws.send(JSON.stringify({ type: 'ack', ...(m.id !== undefined ? { id: m.id } : {}), poll: p.id, choice: m.choice }));
    sendAttendeeState(ws);
    tallyChanged();
  }

  function onCommand(ws, m) {
    if (ws.role !== 'presenter') return error(ws, ws.role ? 'forbidden' : 'not_joined', m.id, 'needs the key');
    const p = pollOf(room.current);
    switch (m.type) {
      case 'next': if (room.current + 1 < deck.slides.length) arrive(room.current + 1); break;
      case 'prev': if (room.current > 0) arrive(room.current - 1); break;
      case 'goto':
        if (!Number.isInteger(m.slide) || m.slide < 0 || m.slide >= deck.slides.length)
          return error(ws, 'bad_message', m.id, 'slide out of range');
        arrive(m.slide);
        break;
      case 'open': case 'close':
        if (!p) return error(ws, 'unknown_poll', m.id, 'the current slide has no poll');
        p.status = m.type === 'open' ? 'open' : 'closed';
        room.version++;
        break;
      default: return error(ws, 'bad_message', m.id, 'unknown type');
    }
    roomChanged();
  }

  const wss = new WebSocketServer({ port: opts.port, host: opts.host, path: '/ws', maxPayload: MSG_MAX });
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => {
      let m;
      try {
        m = isBinary ? null : JSON.parse(data.toString('utf8'));
      } catch {
        m = null;
      }
      if (!m || typeof m !== 'object' || typeof m.type !== 'string') return error(ws, 'bad_json', undefined, 'not a JSON object');
      if (m.type === 'join') onJoin(ws, m);
      else if (m.type === 'vote') onVote(ws, m);
      else if (m.type === 'ping') ws.send(JSON.stringify({ type: 'pong', id: m.id, serverTime: Date.now() }));
      else onCommand(ws, m);
    });
    ws.on('close', () => {
      if (ws.role === 'attendee') {
        room.attendees.delete(ws);
        tallyChanged();
      }
      room.presenters.delete(ws);
    });
    ws.on('error', () => {});
  });
  wss.on('listening', () => console.log(`listening on port ${wss.address().port}`));
}

main();
