/* conn.js -- a WebSocket to /ws that comes back by itself.
 *
 * Shared by the attendee page (/) and the presenter view (/present/): both
 * load it as /conn.js.  It reconnects with exponential backoff and jitter
 * (0.5 s doubling to 10 s), at once when the page becomes visible or the
 * network comes back, and checks a connection that may have died while the
 * phone was locked with a ping.  It knows nothing about the protocol beyond
 * JSON framing and ping/pong. */
(function () {
  'use strict';

  var BACKOFF_MIN_MS = 500;
  var BACKOFF_MAX_MS = 10000;
  var PING_TIMEOUT_MS = 4000;
  var KEEPALIVE_MS = 30000;

  function wsUrl() {
    var scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return scheme + '//' + location.host + '/ws';
  }

  /* opts.onOpen()            the socket is open: send the join now
   * opts.onMessage(msg)      one parsed server message (pong included)
   * opts.onStatus(status)    'connecting', 'open' or 'closed' */
  function Conn(opts) {
    this.opts = opts;
    this.ws = null;
    this.attempt = 0;
    this.timer = null;
    this.pingTimer = null;
    this.keepalive = null;
    this.pingId = 1000000;
    this.running = false;
    var self = this;
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'visible') self.check();
    });
    window.addEventListener('online', function () { self.check(); });
    window.addEventListener('pageshow', function (e) { if (e.persisted) self.check(); });
  }

  Conn.prototype.start = function () {
    this.running = true;
    if (!this.ws) this.connect();
  };

  /* No more reconnecting (a refused key, an unknown session); an open
   * socket stays usable for another join. */
  Conn.prototype.stop = function () {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = null;
  };

  Conn.prototype.status = function (s) {
    if (this.opts.onStatus) this.opts.onStatus(s);
  };

  Conn.prototype.connect = function () {
    var self = this;
    clearTimeout(this.timer);
    this.timer = null;
    var ws;
    try {
      ws = new WebSocket(wsUrl());
    } catch (e) {
      this.schedule();
      return;
    }
    this.ws = ws;
    this.status('connecting');
    ws.onopen = function () {
      if (self.ws !== ws) return;
      self.status('open');
      self.startKeepalive();
      self.opts.onOpen();
    };
    ws.onmessage = function (ev) {
      if (self.ws !== ws) return;
      var msg;
      try {
        msg = JSON.parse(ev.data);
      } catch (e) {
        return;
      }
      if (!msg || typeof msg !== 'object' || typeof msg.type !== 'string') return;
      /* Any answer proves the link works: the next failure starts the
       * backoff from its shortest delay again. */
      self.attempt = 0;
      clearTimeout(self.pingTimer);
      self.pingTimer = null;
      self.opts.onMessage(msg);
    };
    ws.onclose = function () {
      if (self.ws !== ws) return;
      self.dropped();
    };
    ws.onerror = function () {
      if (self.ws !== ws) return;
      try { ws.close(); } catch (e) { /* already closing */ }
      self.dropped();
    };
  };

  Conn.prototype.dropped = function () {
    this.ws = null;
    clearTimeout(this.pingTimer);
    this.pingTimer = null;
    clearInterval(this.keepalive);
    this.keepalive = null;
    this.status('closed');
    if (this.running) this.schedule();
  };

  /* Waits a random delay between half and all of the current backoff step,
   * so a room of phones that lost Wi-Fi together does not come back in one
   * instant. */
  Conn.prototype.schedule = function () {
    if (this.timer) return;
    var step = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * Math.pow(2, this.attempt));
    this.attempt++;
    var delay = step / 2 + Math.random() * step / 2;
    var self = this;
    this.timer = setTimeout(function () {
      self.timer = null;
      if (self.running && !self.ws) self.connect();
    }, delay);
  };

  /* Page visible again or network back: reconnect now if the socket is gone,
   * otherwise make sure it still answers. */
  Conn.prototype.check = function () {
    if (!this.running) return;
    if (!this.ws || this.ws.readyState > 1) {
      this.ws = null;
      this.attempt = 0;
      this.connect();
    } else if (this.ws.readyState === 1) {
      this.ping();
    }
  };

  Conn.prototype.ping = function () {
    if (this.pingTimer || !this.send({ type: 'ping', id: this.pingId++ })) return;
    var self = this, ws = this.ws;
    this.pingTimer = setTimeout(function () {
      self.pingTimer = null;
      if (self.ws !== ws) return;
      /* No answer: the connection died silently (a locked phone, a Wi-Fi
       * hand-over).  Drop it and start a fresh one. */
      try { ws.close(); } catch (e) { /* ignore */ }
      self.attempt = 0;
      self.dropped();
    }, PING_TIMEOUT_MS);
  };

  Conn.prototype.startKeepalive = function () {
    var self = this;
    clearInterval(this.keepalive);
    this.keepalive = setInterval(function () {
      if (document.visibilityState === 'visible') self.ping();
    }, KEEPALIVE_MS);
  };

  /* Sends one message; false when there is no open socket to send it on. */
  Conn.prototype.send = function (obj) {
    if (!this.ws || this.ws.readyState !== 1) return false;
    try {
      this.ws.send(JSON.stringify(obj));
      return true;
    } catch (e) {
      return false;
    }
  };

  Conn.prototype.isOpen = function () {
    return !!this.ws && this.ws.readyState === 1;
  };

  window.HandsupConn = Conn;
})();
