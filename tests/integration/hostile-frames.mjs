// hostile-frames.mjs -- a raw TCP WebSocket client for the hostile tests: it
// writes the upgrade request and every frame byte by byte (RFC 6455), so a
// test can send what no well-behaved library would (unmasked frames, reserved
// opcodes, invalid UTF-8, lying lengths, thousands of fragments), and it reads
// the server's frames, including the status code of its close frame.
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export const OP = { cont: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa };

// One frame as bytes.  payload: Buffer or string.  mask: a client must mask
// (false makes a protocol violation).  length: the length to declare in the
// header when it should differ from the payload's (a header that promises
// 1 MiB followed by a few bytes).  rsv: the three reserved bits (0-7).
export function encodeFrame({ fin = true, rsv = 0, opcode = OP.text, payload = Buffer.alloc(0), mask = true, length } = {}) {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload, 'utf8');
  const len = length === undefined ? body.length : length;
  const head = [((fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f))];
  const maskBit = mask ? 0x80 : 0;
  let ext = Buffer.alloc(0);
  if (len < 126) {
    head.push(maskBit | len);
  } else if (len < 65536) {
    head.push(maskBit | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(len);
  } else {
    head.push(maskBit | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(BigInt(len));
  }
  if (!mask) return Buffer.concat([Buffer.from(head), ext, body]);
  const key = randomBytes(4);
  const masked = Buffer.alloc(body.length);
  for (let i = 0; i < body.length; i++) masked[i] = body[i] ^ key[i & 3];
  return Buffer.concat([Buffer.from(head), ext, key, masked]);
}

// The close frame payload for a status code and reason.
export function closePayload(code, reason = '') {
  const b = Buffer.alloc(2 + Buffer.byteLength(reason));
  b.writeUInt16BE(code);
  b.write(reason, 2);
  return b;
}

export function upgradeRequest({ path = '/ws', host, origin, key, extra = {} } = {}) {
  const lines = [`GET ${path} HTTP/1.1`];
  if (host !== null) lines.push(`Host: ${host}`);
  lines.push('Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${key}`, 'Sec-WebSocket-Version: 13');
  if (origin) lines.push(`Origin: ${origin}`);
  for (const [k, v] of Object.entries(extra)) lines.push(`${k}: ${v}`);
  return lines.join('\r\n') + '\r\n\r\n';
}

export class RawWs {
  constructor(socket) {
    this.socket = socket;
    this.buf = Buffer.alloc(0);
    this.handshakeDone = false;
    this.status = null;       // HTTP status of the upgrade answer
    this.headers = {};        // its headers, lower-case names
    this.frames = [];         // every frame received, in order: { fin, opcode, payload }
    this.messages = [];       // text frames parsed as JSON (or { type: '__unparsable__' })
    this.closeFrame = null;   // { code, reason } from the server's close frame
    this.protocolError = null;
    this.waiters = [];
    this.ended = false;
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.ended = true;
        resolve({ closeFrame: this.closeFrame, code: this.closeFrame?.code ?? null });
        this.wake();
      });
    });
    socket.on('error', (e) => { this.socketError = e; });
    socket.on('data', (d) => this.onData(d));
  }

  // Connects and upgrades.  Resolves once the server answered the upgrade
  // (any status) or hung up; check .status (101 on success).
  static open(port, { host = '127.0.0.1', path = '/ws', hostHeader, origin, extra, localAddress, timeoutMs = 5000 } = {}) {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host, localAddress });
      const ws = new RawWs(socket);
      ws.key = randomBytes(16).toString('base64');
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`raw upgrade to ${host}:${port}${path}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (e) => { clearTimeout(timer); reject(e); });
      socket.once('connect', () => {
        socket.write(upgradeRequest({
          path,
          host: hostHeader === undefined ? `${host}:${port}` : hostHeader,
          origin,
          key: ws.key,
          extra,
        }));
      });
      ws.onHandshake = () => { clearTimeout(timer); resolve(ws); };
      ws.closed.then(() => { clearTimeout(timer); resolve(ws); });
    });
  }

  wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  onData(d) {
    this.buf = Buffer.concat([this.buf, d]);
    if (!this.handshakeDone) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.buf.subarray(0, end).toString('latin1').split('\r\n');
      this.buf = this.buf.subarray(end + 4);
      this.handshakeDone = true;
      this.statusLine = head[0];
      this.status = Number((head[0].match(/^HTTP\/1\.[01] (\d{3})/) || [])[1]) || null;
      for (const line of head.slice(1)) {
        const i = line.indexOf(':');
        if (i > 0) this.headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      if (this.status === 101) {
        const want = createHash('sha1').update(this.key + GUID).digest('base64');
        if (this.headers['sec-websocket-accept'] !== want) this.protocolError = 'bad Sec-WebSocket-Accept';
      } else {
        // A refusal: keep its body for messages; no frames follow.
        this.body = this.buf.toString('utf8');
        this.buf = Buffer.alloc(0);
      }
      this.onHandshake?.();
      if (this.status !== 101) return;
    }
    this.parseFrames();
    this.wake();
  }

  parseFrames() {
    for (;;) {
      const b = this.buf;
      if (b.length < 2) return;
      const fin = (b[0] & 0x80) !== 0;
      const opcode = b[0] & 0x0f;
      const masked = (b[1] & 0x80) !== 0;
      let len = b[1] & 0x7f;
      let off = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        off = 10;
      }
      if (masked) {
        this.protocolError = 'the server masked a frame';
        off += 4;
      }
      if (b.length < off + len) return;
      const payload = Buffer.from(b.subarray(off, off + len));
      this.buf = b.subarray(off + len);
      const frame = { fin, opcode, payload };
      this.frames.push(frame);
      if (opcode === OP.text) {
        let msg;
        try {
          msg = JSON.parse(payload.toString('utf8'));
        } catch {
          msg = { type: '__unparsable__', raw: payload.toString('utf8') };
        }
        this.messages.push(msg);
      } else if (opcode === OP.close) {
        this.closeFrame = {
          code: payload.length >= 2 ? payload.readUInt16BE(0) : null,
          reason: payload.subarray(2).toString('utf8'),
        };
      }
    }
  }

  write(bytes) {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  sendFrame(opts) {
    this.write(encodeFrame(opts));
  }

  // A well-formed masked text frame holding obj as JSON.
  send(obj) {
    this.sendFrame({ payload: typeof obj === 'string' ? obj : JSON.stringify(obj) });
  }

  // Waits for a received JSON message matching predicate (they stay queued:
  // the same message can be found twice).  Rejects after timeoutMs, or when
  // the connection ended without one.
  async message(predicate, timeoutMs = 3000) {
    return this.waitFor(() => this.messages.find(predicate), timeoutMs, `message ${predicate}`);
  }

  async frame(predicate, timeoutMs = 3000) {
    return this.waitFor(() => this.frames.find(predicate), timeoutMs, `frame ${predicate}`);
  }

  async waitFor(find, timeoutMs, what) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = find();
      if (v) return v;
      const left = deadline - Date.now();
      if (left <= 0 || this.ended) {
        throw new Error(`raw client: no ${what}; ${this.ended ? 'connection ended' : `${timeoutMs} ms passed`}; ` +
          `close frame ${JSON.stringify(this.closeFrame)}; messages ${JSON.stringify(this.messages.slice(-6))}`);
      }
      await new Promise((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  // Resolves with { code, closeFrame, ms } once the server has closed the TCP
  // connection, or rejects after timeoutMs.  Answers a server's close frame
  // with one of its own (as RFC 6455 asks), so the server can finish.
  async waitClosed(timeoutMs = 3000) {
    const t0 = Date.now();
    let echoed = false;
    const echo = () => {
      if (this.closeFrame && !echoed) {
        echoed = true;
        this.sendFrame({ opcode: OP.close, payload: closePayload(this.closeFrame.code ?? 1000) });
      }
    };
    const poll = setInterval(echo, 10);
    let timer;
    try {
      const r = await Promise.race([
        this.closed,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`raw client: server did not close within ${timeoutMs} ms; ` +
            `close frame ${JSON.stringify(this.closeFrame)}; messages ${JSON.stringify(this.messages.slice(-6))}`)), timeoutMs);
        }),
      ]);
      return { ...r, ms: Date.now() - t0 };
    } finally {
      clearInterval(poll);
      clearTimeout(timer);
    }
  }

  destroy() {
    this.socket.destroy();
  }
}

// Writes chunks (strings or Buffers, each its own write, gapMs apart) on a
// fresh TCP connection and collects the answer until the server closes or
// timeoutMs passes, or (with settleMs) once the server has been quiet for
// settleMs after answering.  Returns { text, closedByServer, ms }.
export function rawHttp(port, chunks, { host = '127.0.0.1', timeoutMs = 3000, localAddress, gapMs = 0, settleMs } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const socket = net.connect({ port, host, localAddress });
    const parts = [];
    let done = false;
    let quiet = null;
    const finish = (closedByServer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(quiet);
      socket.destroy();
      resolve({ text: Buffer.concat(parts).toString('latin1'), closedByServer, ms: Date.now() - t0 });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', (d) => {
      parts.push(d);
      if (settleMs !== undefined) {
        clearTimeout(quiet);
        quiet = setTimeout(() => finish(false), settleMs);
      }
    });
    socket.on('close', () => finish(true));
    socket.on('error', (e) => {
      // A reset after the answer is a close; a refused connection is a failure.
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') finish(true);
      else if (!done) { done = true; clearTimeout(timer); reject(e); }
    });
    socket.on('connect', async () => {
      const list = Array.isArray(chunks) ? chunks : [chunks];
      for (let i = 0; i < list.length && !done; i++) {
        if (i && gapMs) await new Promise((r) => setTimeout(r, gapMs));
        if (!socket.destroyed) socket.write(list[i]);
      }
    });
  });
}

// The status codes of every HTTP response in text (pipelined answers).
export function statuses(text) {
  return [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
}
