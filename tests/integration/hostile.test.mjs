// hostile.test.mjs -- a hostile client against the real server: foreign
// origins and rebound host names, oversized and fragmented messages, floods,
// broken frames, presenter commands without the key, invented tokens,
// connection and join floods from one address, and slowloris sockets.
// Every refusal is asserted precisely, and a well-behaved attendee (the
// bystander) keeps voting with normal ack latency throughout.  The controls
// and this file's tests are listed in docs/security.md.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';

import { CODE, Client, OTHER_CODE, SLIDE, deck, joinPresenter, lanAddress, sleep } from './lib.mjs';
import { OP, RawWs, encodeFrame } from './hostile-frames.mjs';
import {
  Bystander, ackLimit, assertFast, attendeeFrom, bannerKeys, connectFrom, serverWithOpenPoll, setAckLimit, summary,
} from './hostile-lib.mjs';

let main;        // two sessions, random keys; the presenter of CODE has opened q1
let presenter;   // presenter of CODE on main
let bystander;   // attendee of CODE on main, from 127.0.0.9
let keys;        // code -> presenter key on main

before(async () => {
  ({ server: main, presenter } = await serverWithOpenPoll({ decks: [deck('basic.md'), deck('second.md')], key: null }));
  keys = await bannerKeys(main, [CODE, OTHER_CODE]);
  assert.notEqual(keys[CODE], keys[OTHER_CODE], 'each session draws its own key');
  bystander = await Bystander.join(main);
  const base = await bystander.probe(20);
  setAckLimit(base);
  console.log(`# bystander ack round trip before the attacks: ${JSON.stringify(summary(base))}; ` +
    `limit during them: ${ackLimit()} ms`);
});

after(async () => {
  await main?.stop();
});

// Runs fn while the bystander votes every 100 ms; asserts every ack was fast.
async function whileVoting(what, fn) {
  const stop = bystander.watch(100);
  let result;
  try {
    result = await fn();
  } finally {
    const l = await stop();
    assertFast(l, `bystander during ${what}`);
  }
  return result;
}

function assertError(m, code, id) {
  assert.equal(m?.type, 'error', JSON.stringify(m));
  assert.equal(m.code, code, JSON.stringify(m));
  if (id !== undefined) assert.equal(m.id, id, `id echoed: ${JSON.stringify(m)}`);
}

// Opens a raw upgrade with these Host and Origin headers; returns the status.
async function upgradeStatus(server, { hostHeader, origin }) {
  const w = await RawWs.open(server.port, { hostHeader, origin });
  const status = w.status;
  w.destroy();
  return status;
}

// ---------------------------------------------------------------------------
describe('Origin and Host checks, default policy', () => {
  test('scripts without Origin, and pages from this server, may connect', async () => {
    const P = main.port;
    await whileVoting('allowed upgrades', async () => {
      const cases = [
        { hostHeader: `127.0.0.1:${P}`, origin: undefined },
        { hostHeader: `127.0.0.1:${P}`, origin: `http://127.0.0.1:${P}` },
        { hostHeader: `127.0.0.1:${P}`, origin: `https://127.0.0.1:${P}` },
        { hostHeader: `localhost:${P}`, origin: `http://localhost:${P}` },
        { hostHeader: `LocalHost:${P}`, origin: `http://localhost:${P}` },
        { hostHeader: `[::1]:${P}`, origin: `http://[::1]:${P}` },
        { hostHeader: `192.168.1.20:${P}`, origin: `http://192.168.1.20:${P}` },
        { hostHeader: `192.168.1.20:${P}`, origin: undefined },
      ];
      for (const c of cases) assert.equal(await upgradeStatus(main, c), 101, JSON.stringify(c));
    });
  });

  test('a page from another origin is refused with 403', async () => {
    const P = main.port;
    await whileVoting('foreign origins', async () => {
      const cases = [
        `http://evil.example`,
        `http://evil.example:${P}`,
        `http://127.0.0.1:${P + 1}`,              // same host, other port: another origin
        `http://127.0.0.1`,                      // port missing
        `http://127.0.0.1:${P}.evil.example`,
        `http://127.0.0.1:${P}@evil.example`,
        `ftp://127.0.0.1:${P}`,
        `null`,                                  // sandboxed iframes, file: pages
        `file://`,
        `http://localhost:${P}`,                 // names another host than the Host header
        `http://${'a'.repeat(600)}.example`,     // longer than the server's header buffer
      ];
      for (const origin of cases) {
        assert.equal(await upgradeStatus(main, { hostHeader: `127.0.0.1:${P}`, origin }), 403, origin);
      }
    });
  });

  test('DNS rebinding: a Host that is not an address, localhost or an allowed name is refused with 403', async () => {
    const P = main.port;
    await whileVoting('rebound host names', async () => {
      const hosts = [
        'evil.example', 'localhost.evil.example', '127.0.0.1.nip.io', 'vote.example.org', 'laptop.local',
        'localhost.', '127.1', '0x7f000001',
      ];
      for (const h of hosts) {
        const hostHeader = `${h}:${P}`;
        assert.equal(await upgradeStatus(main, { hostHeader, origin: `http://${hostHeader}` }), 403, `${hostHeader} with its own origin`);
        assert.equal(await upgradeStatus(main, { hostHeader, origin: undefined }), 403, `${hostHeader} without Origin`);
      }
      // No Host header at all (HTTP/1.1 requires one).
      assert.notEqual(await upgradeStatus(main, { hostHeader: null, origin: undefined }), 101, 'no Host header');
    });
  });

  test('a refused upgrade is answered with HTTP, not a dropped connection', async () => {
    const w = await RawWs.open(main.port, { origin: 'http://evil.example' });
    assert.equal(w.status, 403, w.statusLine);
    assert.equal(w.frames.length, 0);
    w.destroy();
  });
});

// ---------------------------------------------------------------------------
describe('Origin and Host with --public-url, --allow-origin, --allow-host', () => {
  let srv;
  before(async () => {
    ({ server: srv } = await serverWithOpenPoll({
      args: [
        '--public-url', 'https://vote.example.org/room/',
        '--allow-origin', 'https://companion.example:8443',
        '--allow-host', 'laptop.local',
      ],
    }));
  });
  after(async () => { await srv?.stop(); });

  test('the named origins and hosts may connect', async () => {
    const P = srv.port;
    const cases = [
      // Behind a reverse proxy: Host and Origin are the public name.
      { hostHeader: 'vote.example.org', origin: 'https://vote.example.org' },
      // The public page talking to the LAN address directly.
      { hostHeader: `127.0.0.1:${P}`, origin: 'https://vote.example.org' },
      { hostHeader: `127.0.0.1:${P}`, origin: 'https://companion.example:8443' },
      { hostHeader: 'companion.example:8443', origin: 'https://companion.example:8443' },
      { hostHeader: `laptop.local:${P}`, origin: `http://laptop.local:${P}` },
      { hostHeader: `laptop.local:${P}`, origin: undefined },
      { hostHeader: `127.0.0.1:${P}`, origin: `http://127.0.0.1:${P}` },
    ];
    for (const c of cases) assert.equal(await upgradeStatus(srv, c), 101, JSON.stringify(c));
  });

  test('near misses are refused with 403', async () => {
    const P = srv.port;
    const cases = [
      { hostHeader: `127.0.0.1:${P}`, origin: 'http://vote.example.org' },          // scheme differs
      { hostHeader: `127.0.0.1:${P}`, origin: 'https://vote.example.org:8443' },    // port differs
      { hostHeader: `127.0.0.1:${P}`, origin: 'https://vote.example.org.evil.example' },
      { hostHeader: `127.0.0.1:${P}`, origin: 'https://companion.example' },         // port missing
      { hostHeader: `127.0.0.1:${P}`, origin: `http://laptop.local:${P}` },          // a host, not an origin
      { hostHeader: 'vote.example.org', origin: 'https://evil.example' },
      { hostHeader: 'evil.example', origin: 'https://vote.example.org' },            // host check first
      { hostHeader: `evil.example:${P}`, origin: `http://evil.example:${P}` },
    ];
    for (const c of cases) assert.equal(await upgradeStatus(srv, c), 403, JSON.stringify(c));
  });
});

// ---------------------------------------------------------------------------
describe('message size', () => {
  async function rawAttendee() {
    const w = await RawWs.open(main.port, { origin: main.origin });
    assert.equal(w.status, 101, w.statusLine);
    return w;
  }

  async function assertTooLarge(w, what, withinMs = 2000) {
    const closed = await w.waitClosed(withinMs);
    assert.equal(closed.code, 1009, `${what}: close code ${JSON.stringify(closed)}`);
    const err = w.messages.find((m) => m.type === 'error');
    assertError(err, 'too_large');
    assert.equal(w.messages.filter((m) => m.type !== 'error').length, 0, `${what}: ${JSON.stringify(w.messages)}`);
  }

  // The client is still sending when the server decides to close; unless
  // the server drains the rest first, the kernel resets the connection and
  // the client never reads the error or the 1009 (it used to, about one
  // time in three).  Five in a row catch that.
  test('a 1 MiB message: too_large, close 1009, nothing recorded (five times)', async () => {
    await whileVoting('a 1 MiB message', async () => {
      for (let round = 1; round <= 5; round++) {
        const { c } = await joinAttendee1();
        c.send({ type: 'vote', poll: 'q1', choice: 'yes', id: 1, pad: 'x'.repeat(1 << 20) });
        const info = await Promise.race([c.closed, sleep(5000).then(() => ({ code: 'not closed within 5 s' }))]);
        assert.equal(info.code, 1009, `round ${round}: ${JSON.stringify(info)}`);
        assertError(c.seen.find((m) => m.type === 'error'), 'too_large');
        assert.equal(c.seen.find((m) => m.type === 'ack'), undefined);
      }
    });
  });

  test('refused as soon as the header says 1 MiB, before the payload arrives', async () => {
    await whileVoting('a lying 1 MiB header', async () => {
      const w = await rawAttendee();
      // The header promises 1 MiB; only 100 bytes follow.  The server must
      // not wait for (or buffer) the rest.
      w.sendFrame({ payload: Buffer.alloc(100, 0x20), length: 1 << 20 });
      await assertTooLarge(w, 'header of 1 MiB', 1000);
    });
  });

  test('a 64-bit length with the top bit set closes the connection', async () => {
    const w = await rawAttendee();
    const head = Buffer.from([0x81, 0x80 | 127, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4]);
    w.write(head);
    const closed = await w.waitClosed(2000);
    assert.ok(closed.code === null || closed.code === 1002 || closed.code === 1009, JSON.stringify(closed));
  });

  test('10,000 one-byte fragments: too_large once the total passes 4096', async () => {
    const frames = [encodeFrame({ fin: false, opcode: OP.text, payload: ' ' })];
    for (let i = 1; i < 10000; i++) frames.push(encodeFrame({ fin: i === 9999, opcode: OP.cont, payload: ' ' }));
    const bytes = Buffer.concat(frames);
    await whileVoting('10,000 fragments', async () => {
      const w = await rawAttendee();
      w.write(bytes);
      await assertTooLarge(w, '10,000 fragments');
    });
  });

  test('a fragmented message under the cap is accepted, with a ping between its fragments', async () => {
    const w = await rawAttendee();
    const msg = '{"type":"ping","id":7}';
    w.sendFrame({ fin: false, opcode: OP.text, payload: msg.slice(0, 5) });
    w.sendFrame({ opcode: OP.ping, payload: 'hi' });
    w.sendFrame({ fin: false, opcode: OP.cont, payload: msg.slice(5, 12) });
    w.sendFrame({ opcode: OP.cont, payload: msg.slice(12) });
    const pong = await w.message((m) => m.type === 'pong' && m.id === 7);
    assert.equal(typeof pong.serverTime, 'number');
    assert.ok(w.frames.some((f) => f.opcode === OP.pong && f.payload.toString() === 'hi'), 'control pong');
    // 4096 bytes in four fragments is still one acceptable message.
    const full = '{"type":"ping","id":8}'.padEnd(4096, ' ');
    for (let i = 0; i < 4; i++) {
      w.sendFrame({ fin: i === 3, opcode: i ? OP.cont : OP.text, payload: full.slice(i * 1024, (i + 1) * 1024) });
    }
    await w.message((m) => m.type === 'pong' && m.id === 8);
    w.destroy();
  });

  test('exactly 4096 bytes is accepted; 4097 is too_large', async () => {
    const w = await rawAttendee();
    w.send('{"type":"ping","id":4096}'.padEnd(4096, ' '));
    await w.message((m) => m.type === 'pong' && m.id === 4096);
    w.send('{"type":"ping","id":4097}'.padEnd(4097, ' '));
    const closed = await w.waitClosed(2000);
    assert.equal(closed.code, 1009, JSON.stringify(closed));
    assertError(w.messages.find((m) => m.type === 'error'), 'too_large');
    assert.equal(w.messages.find((m) => m.id === 4097), undefined);
  });
});

async function joinAttendee1(label = 'attendee') {
  return attendeeFrom(main, '127.0.0.1', { label });
}

// ---------------------------------------------------------------------------
describe('message rate', () => {
  test('a burst of 40 is served; then rate_limited; after 20 of those the connection is closed with 1008', async () => {
    await whileVoting('a flood', async () => {
      const c = await connectFrom(main, { label: 'flooder' });
      // 61 at once: 40 from the bucket and 21 over it.  The bucket may
      // refill a token while they arrive, so send single ones until the
      // server closes rather than a bigger flood: a client that never stops
      // writing is reset after the server's linger (ws_linger.c).
      for (let i = 1; i <= 61; i++) c.send({ type: 'ping', id: i });
      let info;
      for (let i = 62; i <= 70 && !info; i++) {
        info = await Promise.race([c.closed, sleep(300)]);
        if (!info) c.send({ type: 'ping', id: i });
      }
      info = info || await Promise.race([c.closed, sleep(2000).then(() => ({ code: 'not closed' }))]);
      const pongs = c.seen.filter((m) => m.type === 'pong').length;
      const limited = c.seen.filter((m) => m.type === 'error' && m.code === 'rate_limited');
      const other = c.seen.filter((m) => m.type !== 'pong' && !(m.type === 'error' && m.code === 'rate_limited'));
      assert.equal(info.code, 1008, `close ${JSON.stringify(info)}; ${pongs} pongs, ${limited.length} rate_limited`);
      assert.ok(pongs >= 40 && pongs <= 43, `pongs: ${pongs} (burst 40, 20/s refill)`);
      assert.ok(limited.length >= 20 && limited.length <= 21, `rate_limited errors before the close: ${limited.length}`);
      for (const m of limited) assert.equal(typeof m.message, 'string');
      assert.deepEqual(other, []);
    });
  });

  test('a flood of 5,000 messages in one write is cut off and the server stays healthy', async () => {
    // Encoded before the clock starts, so the bystander measures the server,
    // not this process busy masking frames.
    const payload = JSON.stringify({ type: 'vote', poll: 'q1', choice: 'yes' });
    const flood = Buffer.concat(Array.from({ length: 5000 }, () => encodeFrame({ payload })));
    const w = await RawWs.open(main.port, { origin: main.origin });
    assert.equal(w.status, 101);
    await whileVoting('a 5,000-message flood', async () => {
      w.write(flood);
      let closed;
      try {
        closed = await w.waitClosed(5000);
      } catch (e) {
        assert.fail(`the flooding connection was not closed: ${e.message}`);
      }
      // The server reads the rest of the flood before its close frame, so
      // the kernel has nothing unread to answer with a reset.
      assert.equal(closed.code, 1008, JSON.stringify(closed));
      assert.ok(w.messages.every((m) => m.type === 'error'), 'only errors (not_joined, rate_limited)');
    });
  });

  test('a short burst over the limit is refused, not closed, and the bucket refills at 20/s', async () => {
    const c = await connectFrom(main, { label: 'bursty' });
    for (let i = 1; i <= 45; i++) c.send({ type: 'ping', id: i });
    const limited = [];
    for (let i = 0; i < 5; i++) limited.push(await c.next('error'));
    for (const m of limited) assertError(m, 'rate_limited');
    // Each refusal names the request it refuses: every id is answered once,
    // by a pong or by a rate_limited error.
    const answered = c.seen.filter((m) => m.type === 'pong' || m.type === 'error').map((m) => m.id);
    assert.equal(answered.length, 45, JSON.stringify(answered));
    assert.deepEqual([...answered].sort((a, b) => a - b), Array.from({ length: 45 }, (_, i) => i + 1));
    assert.ok(limited.every((m) => Number.isInteger(m.id) && m.id > 40 - 5), JSON.stringify(limited));
    await sleep(600);  // about 12 tokens
    for (let i = 100; i < 110; i++) c.send({ type: 'ping', id: i });
    for (let i = 100; i < 110; i++) await c.next('pong', (m) => m.id === i);
    assert.equal(c.closeInfo, undefined);
    await c.close();
  });

  test('rate_limited echoes a string id too', async () => {
    const c = await connectFrom(main, { label: 'bursty-strings' });
    for (let i = 1; i <= 50; i++) c.send({ type: 'ping', id: `req-${i}` });
    const e = await c.next('error');
    assertError(e, 'rate_limited');
    assert.match(e.id, /^req-\d+$/, JSON.stringify(e));
    await c.close();
  });

  test('a presenter is not rate limited: 150 messages back to back are all answered', async () => {
    await whileVoting('a presenter burst', async () => {
      const ids = [];
      // q1 is open: "open" changes nothing, and is answered with a state.
      for (let i = 0; i < 100; i++) ids.push(presenter.request({ type: 'ping' }));
      for (let i = 0; i < 50; i++) presenter.request({ type: 'open' });
      for (const id of ids) await presenter.next('pong', (m) => m.id === id);
      await presenter.next('state', (m) => m.poll?.id === 'q1' && m.poll.status === 'open');
      await sleep(100);
      const errors = presenter.seen.filter((m) => m.type === 'error');
      assert.deepEqual(errors, [], 'no error, rate_limited or other');
      assert.equal(presenter.closeInfo, undefined);
    });
  });
});

// ---------------------------------------------------------------------------
describe('protocol abuse with hand-written frames', () => {
  async function raw() {
    const w = await RawWs.open(main.port, { origin: main.origin });
    assert.equal(w.status, 101, w.statusLine);
    return w;
  }

  async function assertClosedWith(w, code, what) {
    let closed;
    try {
      closed = await w.waitClosed(2000);
    } catch (e) {
      // Some lws paths send the close frame and then keep the socket until
      // the peer writes again; the close frame is what the client sees.
      closed = { code: w.closeFrame?.code ?? null, lingering: true };
    }
    assert.equal(closed.code, code, `${what}: expected close ${code}, got ${JSON.stringify(closed)}; ` +
      `messages ${JSON.stringify(w.messages)}`);
    assert.equal(w.messages.filter((m) => m.type === 'pong').length, 0, `${what}: the bad frame was processed`);
    w.destroy();
  }

  const utf8Cases = {
    'a lone 0xff byte': Buffer.from('{"type":"ping","id":1,"x":"\xff"}', 'latin1'),
    'an overlong NUL (C0 80)': Buffer.from([...Buffer.from('{"type":"ping","id":1,"x":"'), 0xc0, 0x80, 0x22, 0x7d]),
    'a UTF-16 surrogate (ED A0 80)': Buffer.from([...Buffer.from('{"type":"ping","id":1,"x":"'), 0xed, 0xa0, 0x80, 0x22, 0x7d]),
    'a truncated sequence (E2 82)': Buffer.from([...Buffer.from('{"type":"ping","id":1,"x":"'), 0xe2, 0x82, 0x22, 0x7d]),
  };
  for (const [name, payload] of Object.entries(utf8Cases)) {
    test(`invalid UTF-8 in a text frame (${name}): close 1007`, async () => {
      const w = await raw();
      w.sendFrame({ payload });
      await assertClosedWith(w, 1007, name);
    });
  }

  test('invalid UTF-8 split across fragments: close 1007', async () => {
    const w = await raw();
    w.sendFrame({ fin: false, payload: Buffer.from([0x7b, 0x22, 0xe2]) });
    w.sendFrame({ opcode: OP.cont, payload: Buffer.from([0x28, 0xa1, 0x22, 0x7d]) });
    await assertClosedWith(w, 1007, 'split invalid UTF-8');
  });

  // libwebsockets 4.1.6 accepts unmasked client frames and exposes no mask bit
  // to callbacks, so handsup cannot refuse them (docs/security.md).  Kept as
  // a todo so it reports, and starts failing loudly once the library is fixed.
  test('an unmasked client frame: close 1002', { todo: 'lws 4.1.6 does not reject unmasked client frames' }, async () => {
    await whileVoting('unmasked frames', async () => {
      const w = await raw();
      w.sendFrame({ payload: '{"type":"ping","id":1}', mask: false });
      await assertClosedWith(w, 1002, 'unmasked frame');
    });
  });

  for (const opcode of [0x3, 0x7, 0xb, 0xf]) {
    test(`reserved opcode 0x${opcode.toString(16)}: close 1002`, async () => {
      const w = await raw();
      w.sendFrame({ opcode, payload: '{"type":"ping","id":1}' });
      await assertClosedWith(w, 1002, `opcode ${opcode}`);
    });
  }

  test('reserved bits set without an extension: close 1002', async () => {
    const w = await raw();
    w.sendFrame({ rsv: 4, payload: '{"type":"ping","id":1}' });
    await assertClosedWith(w, 1002, 'RSV1');
  });

  test('a continuation frame with nothing to continue: close 1002', async () => {
    const w = await raw();
    w.sendFrame({ opcode: OP.cont, payload: '{"type":"ping","id":1}' });
    await assertClosedWith(w, 1002, 'orphan continuation');
  });

  test('a fragmented control frame: close 1002', async () => {
    const w = await raw();
    w.sendFrame({ fin: false, opcode: OP.ping, payload: 'x' });
    await assertClosedWith(w, 1002, 'fragmented ping');
  });

  test('a new text frame in the middle of a fragmented message: close 1002', async () => {
    const w = await raw();
    w.sendFrame({ fin: false, payload: '{"type":' });
    w.sendFrame({ payload: '{"type":"ping","id":1}' });
    await assertClosedWith(w, 1002, 'text inside a fragmented message');
  });

  test('a control frame longer than 125 bytes closes the connection', async () => {
    const w = await raw();
    w.sendFrame({ opcode: OP.ping, payload: Buffer.alloc(126, 0x61) });
    const closed = await w.waitClosed(2000);
    assert.ok(closed.code === null || closed.code === 1002, JSON.stringify(closed));
  });

  test('a binary frame: bad_message, and the connection stays usable', async () => {
    await whileVoting('binary frames', async () => {
      const w = await raw();
      w.sendFrame({ opcode: OP.binary, payload: '{"type":"ping","id":1}' });
      const err = await w.message((m) => m.type === 'error');
      assertError(err, 'bad_message');
      assert.equal(w.messages.find((m) => m.type === 'pong'), undefined, 'the binary frame was not processed');
      w.send({ type: 'ping', id: 2 });
      await w.message((m) => m.type === 'pong' && m.id === 2);
      assert.equal(w.ended, false);
      w.destroy();
    });
  });

  test('after all of it the server is healthy', async () => {
    const h = await main.get('/healthz');
    assert.equal(h.status, 200);
    await bystander.assertHealthy('after the protocol abuse');
  });
});

// ---------------------------------------------------------------------------
describe('privileged actions need the presenter key', () => {
  const COMMANDS = [
    { type: 'goto', slide: SLIDE.thanks }, { type: 'next' }, { type: 'prev' }, { type: 'open' },
    { type: 'close' }, { type: 'reveal' }, { type: 'hide' }, { type: 'reset' },
    { type: 'timer', action: 'start' }, { type: 'timer', action: 'stop' },
  ];

  async function sendAll(c, expectCode, what) {
    for (const cmd of COMMANDS) {
      const id = c.request(cmd);
      assertError(await c.nextError(id), expectCode, id);
    }
    assert.equal(c.seen.find((m) => m.type === 'tally'), undefined, `${what}: received a tally`);
    assert.equal(c.seen.find((m) => m.type === 'welcome' && m.role === 'presenter'), undefined, `${what}: became presenter`);
  }

  // Every way of being wrong about the key.
  function wrongKeys() {
    const k = keys[CODE];
    return [
      randomBytes(16).toString('hex'),
      k.slice(0, -1),
      k + '0',
      k.toUpperCase() === k ? k.toLowerCase() : k.toUpperCase(),
      keys[OTHER_CODE],
      ' ' + k,
      '',
      'x'.repeat(4000),
    ];
  }

  async function assertRoomUnchanged() {
    // The room is where the presenter left it: q1 open, nothing reset.
    const { c, state } = await attendeeFrom(main, '127.0.0.1', { label: 'checker' });
    assert.equal(state.slide.index, SLIDE.q1, JSON.stringify(state.slide));
    assert.equal(state.poll.status, 'open', JSON.stringify(state.poll));
    await c.close();
  }

  test('commands on a connection that never joined: not_joined', async () => {
    const c = await connectFrom(main, { label: 'unjoined' });
    await sendAll(c, 'not_joined', 'unjoined');
    await c.close();
  });

  test('commands from an attendee: forbidden, and the room does not move', async () => {
    await whileVoting('attendee commands', async () => {
      const { c } = await joinAttendee1('attendee-commander');
      await sendAll(c, 'forbidden', 'attendee');
      await assertRoomUnchanged();
      // The bystander's vote survived the attempted reset.
      assert.ok(bystander.c.latest.state?.myVote, JSON.stringify(bystander.c.latest.state));
      await c.close();
    });
  });

  test('a presenter join with a wrong key: forbidden; the connection stays unjoined', async () => {
    for (const key of wrongKeys()) {
      const c = await connectFrom(main, { label: 'wrong-key' });
      const id = c.request({ type: 'join', code: CODE, key });
      const m = await c.nextError(id);
      // An empty or absurdly long key may be refused as malformed instead.
      if (key === '' || key.length > 128) assert.ok(['forbidden', 'bad_message'].includes(m.code), JSON.stringify(m));
      else assertError(m, 'forbidden', id);
      await sendAll(c, 'not_joined', `after key ${key.slice(0, 40)}`);
      await c.close();
    }
  });

  test('an attendee who tries a wrong key stays an attendee', async () => {
    const { c, welcome } = await joinAttendee1('escalator');
    for (const key of wrongKeys().slice(0, 5)) {
      const id = c.request({ type: 'join', code: CODE, key });
      assertError(await c.nextError(id), 'forbidden', id);
    }
    await sendAll(c, 'forbidden', 'attendee after wrong keys');
    // Still the same attendee: it can vote.
    const ack = await c.vote('q1', 'yes');
    assert.equal(ack.poll, 'q1');
    assert.equal(welcome.role, 'attendee');
    await c.close();
  });

  test('the other session\'s key does not open this session', async () => {
    const c = await connectFrom(main, { label: 'cross-session' });
    const id = c.request({ type: 'join', code: CODE, key: keys[OTHER_CODE] });
    assertError(await c.nextError(id), 'forbidden', id);
    // With its own code it is a presenter of the other session only.
    c.request({ type: 'join', code: OTHER_CODE, key: keys[OTHER_CODE] });
    const w = await c.next('welcome');
    assert.equal(w.role, 'presenter');
    assert.equal(w.session.code, OTHER_CODE);
    await c.close();
  });

  test('results exports: 401 without the right Bearer key', async () => {
    await whileVoting('export attempts', async () => {
      const { welcome } = await joinAttendee1('token-holder');
      const bad = [
        {},
        { Authorization: 'Bearer ' },
        { Authorization: `Bearer ${randomBytes(16).toString('hex')}` },
        { Authorization: `Bearer ${keys[OTHER_CODE]}` },
        { Authorization: `Bearer ${keys[CODE].slice(0, -1)}` },
        { Authorization: `Bearer ${keys[CODE]}x` },
        { Authorization: `Bearer ${welcome.participant}` },
        { Authorization: `Basic ${Buffer.from(`presenter:${keys[CODE]}`).toString('base64')}` },
        { Authorization: keys[CODE] },
      ];
      for (const ext of ['csv', 'json', 'html']) {
        const p = `/api/sessions/${CODE}/results.${ext}`;
        for (const headers of bad) {
          const r = await main.get(p, headers);
          assert.equal(r.status, 401, `${p} with ${JSON.stringify(headers)}`);
          assert.match(r.headers.get('www-authenticate') || '', /^Bearer/i, `${p}: WWW-Authenticate`);
          assert.ok(!r.body.includes('q1,') && !r.body.includes('"polls"'), `${p}: leaked results`);
        }
        // The key in the query string is not a credential.
        const q = await main.get(`${p}?key=${keys[CODE]}`);
        assert.equal(q.status, 401, `${p}?key=`);
        const ok = await main.get(p, { Authorization: `Bearer ${keys[CODE]}` });
        assert.equal(ok.status, 200, `${p} with the right key`);
        const other = await main.get(`/api/sessions/${OTHER_CODE}/results.${ext}`, { Authorization: `Bearer ${keys[CODE]}` });
        assert.equal(other.status, 401, `session ${OTHER_CODE} with ${CODE}'s key`);
      }
    });
  });
});

// ---------------------------------------------------------------------------
describe('vote stuffing with invented tokens', () => {
  const HEX32 = /^[0-9a-f]{32}$/;

  test('a token the server never issued gets a fresh one', async () => {
    const invented = randomBytes(16).toString('hex');
    const a = await joinAttendee1Token(invented);
    assert.match(a.welcome.participant, HEX32);
    assert.notEqual(a.welcome.participant, invented);
    const b = await joinAttendee1Token(invented);
    assert.notEqual(b.welcome.participant, invented);
    assert.notEqual(b.welcome.participant, a.welcome.participant, 'the invented token is not bound to the first fresh one');
    for (const t of ['0'.repeat(32), 'f'.repeat(32), invented.slice(0, 31), invented + '0', 'g'.repeat(32), '']) {
      const x = await joinAttendee1Token(t);
      assert.match(x.welcome.participant, HEX32, JSON.stringify(t));
      assert.notEqual(x.welcome.participant, t);
      await x.c.close();
    }
    await a.c.close();
    await b.c.close();
  });

  test('a token of another session is not valid here', async () => {
    const other = await attendeeFrom(main, '127.0.0.1', { code: OTHER_CODE, label: 'other-session' });
    const here = await joinAttendee1Token(other.welcome.participant);
    assert.notEqual(here.welcome.participant, other.welcome.participant);
    await other.c.close();
    await here.c.close();
  });

  test('one token on several connections counts one vote', async () => {
    const probe = await joinAttendee1Token(undefined);
    presenter.drain('tally');
    await sleep(100);
    const before = presenter.latest.tally.voters;
    const token = probe.welcome.participant;
    await probe.c.vote('q1', 'yes');
    await presenter.next('tally', (t) => t.poll === 'q1' && t.voters === before + 1, 3000);
    const conns = [probe];
    for (let i = 0; i < 4; i++) {
      const x = await joinAttendee1Token(token);
      assert.equal(x.welcome.participant, token, 'a valid token restores the identity');
      assert.equal(x.state.myVote, 'yes', 'and its vote');
      conns.push(x);
    }
    // All five connections vote at once, alternating choices (acks are the
    // next test's business).
    conns.forEach((x, i) => x.c.request({ type: 'vote', poll: 'q1', choice: i % 2 ? 'no' : 'yes' }));
    await sleep(500);  // commits, then past the 50 ms tally coalescing
    const latest = presenter.latest.tally;
    assert.equal(latest.voters, before + 1, `one token, one vote: ${JSON.stringify(latest)}`);
    for (const x of conns) await x.c.close();
  });

  test('with one token on two connections, each vote is acknowledged on the connection that sent it', async () => {
    // Two tabs of the attendee page share the token (localStorage).
    const a = await joinAttendee1Token(undefined);
    const b = await joinAttendee1Token(a.welcome.participant);
    assert.equal(b.welcome.participant, a.welcome.participant);
    const idA = a.c.request({ type: 'vote', poll: 'q1', choice: 'no' });
    const gotA = await a.c.next(['ack', 'error'], (m) => m.id === idA, 3000).catch((e) => e);
    const strayOnB = b.c.seen.filter((m) => m.type === 'ack');
    assert.ok(!(gotA instanceof Error), `the older tab's vote was not acknowledged on its own connection ` +
      `(acks that went to the newer tab instead: ${JSON.stringify(strayOnB)})`);
    assert.equal(gotA.type, 'ack', JSON.stringify(gotA));
    assert.deepEqual(strayOnB, [], 'the newer tab received the older tab\'s ack');
    const idB = b.c.request({ type: 'vote', poll: 'q1', choice: 'yes' });
    assert.equal((await b.c.next(['ack', 'error'], (m) => m.id === idB, 3000)).type, 'ack');
    await a.c.close();
    await b.c.close();
  });
});

async function joinAttendee1Token(participant) {
  return attendeeFrom(main, '127.0.0.1', { participant, label: 'token-tester' });
}

// ---------------------------------------------------------------------------
// The caps apply to every address but loopback, so they are tested from this
// machine's LAN address (a connection from it to it is not loopback), on a
// server listening on every address.
const LAN = lanAddress();

describe('per-address caps', { skip: LAN ? false : 'this machine has no non-loopback IPv4 address' }, () => {
  let srv;
  let side;      // a bystander on this server, from loopback
  let lan;       // connection options from the LAN address
  const CAP = 5;
  before(async () => {
    ({ server: srv } = await serverWithOpenPoll({
      host: '0.0.0.0', args: ['--max-conns-per-ip', String(CAP), '--max-joins-burst', '50'],
    }));
    side = await Bystander.join(srv, { localAddress: '127.0.0.9', label: 'caps-bystander' });
    // No Origin: a script, so the Host (the LAN address) is all that is checked.
    lan = { localAddress: LAN, url: `ws://${LAN}:${srv.port}/ws`, origin: null };
  });
  after(async () => { await srv?.stop(); });

  test(`--max-conns-per-ip ${CAP}: the next upgrade from that address is refused; other addresses still connect`, async () => {
    const stop = side.watch(100);
    const open = [];
    try {
      for (let i = 0; i < CAP; i++) open.push(await connectFrom(srv, { ...lan, label: `conn${i}` }));
      for (let i = 0; i < 3; i++) {
        const e = await connectFrom(srv, { ...lan, label: 'over-cap' }).then(() => null, (x) => x);
        assert.ok(e, 'the connection over the cap was accepted');
        assert.ok(e.status === 503 || e.status === 403, `refused with HTTP 503 or 403: ${e.message}`);
      }
      const other = await connectFrom(srv, { localAddress: '127.0.0.2', label: 'other-address' });
      other.send({ type: 'ping', id: 1 });
      await other.next('pong');
      await other.close();
      // Those open are unaffected.
      open[0].send({ type: 'ping', id: 2 });
      await open[0].next('pong');
      // Closing one frees a place (after the server notices the close).
      await open.pop().close();
      let again = null;
      for (let i = 0; i < 40 && !again; i++) {
        again = await connectFrom(srv, { ...lan, label: 'again' }).catch(() => null);
        if (!again) await sleep(50);
      }
      assert.ok(again, 'a place freed by a close is reusable');
      open.push(again);
      // Refused upgrades did not leak places: the cap is still exactly CAP.
      const e = await connectFrom(srv, { ...lan, label: 'over-cap' }).then(() => null, (x) => x);
      assert.ok(e?.status, 'still capped');
    } finally {
      for (const c of open) await c.close();
      assertFast(await stop(), 'caps bystander during the connection flood');
    }
  });

  test('--max-joins-burst 50: new tokens beyond the burst are rate_limited; rejoins never are', async () => {
    const stop = side.watch(100);
    const conns = [];
    try {
      // A participant from this address before the flood, to rejoin later.
      const first = await attendeeFrom(srv, LAN, { ...lan, label: 'early' });
      const token = first.welcome.participant;
      await first.c.close();

      for (let i = 0; i < 4; i++) conns.push(await connectFrom(srv, { ...lan, label: `joiner${i}` }));
      const t0 = performance.now();
      const ids = conns.map((c) => Array.from({ length: 30 }, () => c.request({ type: 'join', code: CODE })));
      let welcomes = 0;
      let limited = 0;
      await Promise.all(conns.map(async (c, k) => {
        for (const id of ids[k]) {
          const m = await c.next(['welcome', 'error'], (x) => x.type === 'welcome' || x.id === id);
          if (m.type === 'welcome') welcomes++;
          else if (m.code === 'rate_limited') limited++;
          else assert.fail(`unexpected ${JSON.stringify(m)}`);
        }
      }));
      const secs = (performance.now() - t0) / 1000;
      // 49 tokens left in the bucket after 'early', plus 20/s while we sent.
      const most = 49 + Math.ceil(20 * secs) + 1;
      assert.ok(welcomes >= 49 && welcomes <= most, `new tokens issued: ${welcomes} (expected 49..${most} in ${secs.toFixed(2)} s)`);
      assert.equal(welcomes + limited, 120);
      assert.ok(limited >= 120 - most, `rate_limited: ${limited}`);

      // The bucket is empty now, but a rejoin with a valid token is not limited.
      const re = await attendeeFrom(srv, LAN, { ...lan, participant: token, label: 'rejoin' });
      assert.equal(re.welcome.participant, token);
      await re.c.close();
      // Another address (loopback here) is not held back by this one.
      const elsewhere = await attendeeFrom(srv, '127.0.0.6', { label: 'elsewhere' });
      await elsewhere.c.vote('q1', 'yes');
      await elsewhere.c.close();
      // And the bucket refills (20/s).
      await sleep(300);
      const later = await attendeeFrom(srv, LAN, { ...lan, label: 'later' });
      await later.c.vote('q1', 'no');
      await later.c.close();
    } finally {
      for (const c of conns) await c.close();
      assertFast(await stop(), 'caps bystander during the join flood');
    }
  });
});

// Local tests, benchmarks and a reverse proxy on this machine all arrive from
// loopback; a cap there would throttle all of them at once.
describe('loopback peers are not capped', () => {
  let srv;
  before(async () => {
    ({ server: srv } = await serverWithOpenPoll({ args: ['--max-conns-per-ip', '5', '--max-joins-burst', '5'] }));
  });
  after(async () => { await srv?.stop(); });

  test('with --max-conns-per-ip 5 and --max-joins-burst 5, 30 fresh attendees from 127.0.0.4 all join and vote', async () => {
    const joined = [];
    try {
      for (let i = 0; i < 30; i++) joined.push(await attendeeFrom(srv, '127.0.0.4', { label: `local${i}` }));
      const tokens = new Set(joined.map((j) => j.welcome.participant));
      assert.equal(tokens.size, 30, 'each got a fresh token');
      for (const j of joined.slice(0, 5)) await j.c.vote('q1', 'yes');
      // 127.0.0.1 (what a proxy uses) too, beyond both caps at once.
      const more = [];
      for (let i = 0; i < 10; i++) more.push(await attendeeFrom(srv, '127.0.0.1', { label: `proxy${i}` }));
      joined.push(...more);
    } finally {
      for (const j of joined) await j.c.close();
    }
  });
});

// ---------------------------------------------------------------------------
// Last, since it holds the server's header tables for a while.
describe('300 slowloris sockets', () => {
  const N = 300;
  const socks = [];
  let t0;
  let stopWatch;
  let allClosed;

  before(async () => {
    const before = await bystander.probe(10);
    assertFast(before, 'bystander just before slowloris');
    stopWatch = bystander.watch(100);
    t0 = Date.now();
    const closes = [];
    for (let i = 0; i < N; i++) {
      // Three source addresses; half stop inside the request line, half
      // inside the headers of a WebSocket upgrade, then trickle a byte a second.
      const s = net.connect({ port: main.port, host: '127.0.0.1', localAddress: `127.0.0.${20 + (i % 3)}` });
      s.on('error', () => {});
      s.on('connect', () => s.write(i % 2 ? `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${main.port}\r\nX-Slow: ` : 'GET /healthz HT'));
      s.opened = Date.now();
      s.on('close', () => closes.push({ ms: Date.now() - s.opened }));
      s.trickle = setInterval(() => { if (!s.destroyed) s.write('a'); }, 1000);
      socks.push(s);
    }
    allClosed = (async () => {
      while (closes.length < N && Date.now() - t0 < 28000) await sleep(100);
      return closes;
    })();
    await sleep(1500);  // let them all connect and start holding
  });

  after(() => {
    for (const s of socks) { clearInterval(s.trickle); s.destroy(); }
  });

  test('a newcomer can still join and vote during the attack', async () => {
    const t = Date.now();
    const { c } = await attendeeFrom(main, '127.0.0.30', { label: 'newcomer' });
    const ack = await c.vote('q1', 'yes');
    assert.equal(ack.poll, 'q1');
    const ms = Date.now() - t;
    await c.close();
    assert.ok(ms < 2000, `newcomer joined and voted in ${ms} ms`);
  });

  test('/healthz answers during the attack', async () => {
    const t = Date.now();
    const r = await main.get('/healthz');
    assert.equal(r.status, 200);
    assert.ok(Date.now() - t < 2000, `healthz took ${Date.now() - t} ms`);
  });

  test('every slowloris socket is closed by the server within 10 s of headers (+ margin)', async () => {
    const closes = await allClosed;
    const ms = closes.map((c) => c.ms).sort((a, b) => a - b);
    console.log(`# slowloris: ${closes.length}/${N} closed; first after ${ms[0]} ms, last after ${ms[ms.length - 1]} ms`);
    assert.equal(closes.length, N, `${N - closes.length} sockets still open after 28 s`);
    assert.ok(ms[0] >= 9000, `the first was closed after ${ms[0]} ms: the 10 s header timeout should not be shorter`);
    assert.ok(ms[ms.length - 1] <= 12500, `the last was closed after ${ms[ms.length - 1]} ms (header timeout 10 s)`);
  });

  test('the connected bystander kept voting with normal latency throughout', async () => {
    const l = await stopWatch();
    console.log(`# bystander during slowloris: ${JSON.stringify(summary(l))} (limit ${ackLimit()} ms)`);
    assert.ok(l.length >= 50, `only ${l.length} votes during the attack`);
    assertFast(l, 'bystander during slowloris');
    await bystander.assertHealthy('after slowloris');
  });
});
