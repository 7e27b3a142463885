// keepalive.test.mjs -- regression: a browser loads /style.css and /app.js
// over one kept-alive connection, and each response must carry its whole
// body.  Done from Node's http with a single keep-alive socket so the reuse
// is certain, then checked again through Chromium loading the page.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { PHONE, WEB_DIR, assertQuiet, expectState, launchBrowser, startDeckServer, watch } from './browser-lib.mjs';

let server;

before(async () => {
  server = await startDeckServer();
});

after(async () => {
  await server?.stop();
});

// GET over the given agent; resolves { status, headers, body, reused, socket }.
function get(agent, p) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: server.port, path: p, agent, timeout: 5000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({
        status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks),
        reused: req.reusedSocket, socket: req.socket,
      }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${p}: no complete answer within 5 s`)));
    req.on('error', reject);
  });
}

test('two static files in a row over one kept-alive connection both arrive whole', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const css = await get(agent, '/style.css');
    const js = await get(agent, '/app.js');
    const css2 = await get(agent, '/style.css');

    const wantCss = readFileSync(path.join(WEB_DIR, 'style.css'));
    const wantJs = readFileSync(path.join(WEB_DIR, 'app.js'));
    assert.equal(css.status, 200);
    assert.equal(js.status, 200);
    assert.match(css.headers['content-type'] || '', /^text\/css/);
    assert.match(js.headers['content-type'] || '', /javascript/);
    assert.equal(css.body.length, wantCss.length, '/style.css has its whole body');
    assert.ok(css.body.equals(wantCss), '/style.css is the file');
    assert.equal(js.body.length, wantJs.length, '/app.js has its whole body on the reused connection');
    assert.ok(js.body.equals(wantJs), '/app.js is the file');
    assert.ok(css2.body.equals(wantCss), 'a third request on the same connection is whole too');
    assert.equal(js.reused, true, 'the second request went over the kept-alive connection');
    assert.equal(js.socket, css.socket, 'one socket for both');
  } finally {
    agent.destroy();
  }
});

test('Chromium loads the attendee page with its stylesheet and scripts applied', async () => {
  const browser = await launchBrowser();
  try {
    const ctx = await browser.newContext(PHONE);
    const page = await ctx.newPage();
    const w = watch(page);
    const failed = [];
    page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
    await page.goto(server.url('/'));
    await expectState(page, '#join-view');
    // The stylesheet applied (the join button is styled, the hidden views are
    // hidden) and app.js ran (the join view is shown by script).
    const bg = await page.locator('#join-button').evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.notEqual(bg, 'rgba(0, 0, 0, 0)', 'style.css applied to the Join button');
    assert.equal(await page.isVisible('#poll-view'), false);
    assert.deepEqual(failed, [], 'no request failed');
    for (const r of w.requests) {
      const res = await r.response();
      assert.ok(res && res.status() === 200, `${r.url()} answered ${res && res.status()}`);
    }
    assertQuiet(w);
    await ctx.close();
  } finally {
    await browser.close();
  }
});
