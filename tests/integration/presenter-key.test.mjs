// presenter-key.test.mjs -- --presenter-key takes any 1 to 128 printable
// ASCII characters without whitespace.  A key shorter than 16 characters
// works but earns a warning on stderr; a key holding URL-special characters
// ('/', '#', '%', '?', '&', '+', quotes) works everywhere: percent-encoded in
// the banner's presenter URL fragment (which the presenter page decodes with
// decodeURIComponent), in a presenter join, and as the Bearer key of the
// results routes.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CODE, Client, deck, joinPresenter, runCli, startServer } from './lib.mjs';

const WARNING = /short presenter key is easy to guess/;

// What the presenter page does with the banner's URL (presenter/present.js).
function credentialsFromUrl(url) {
  const h = new URL(url).hash.replace(/^#/, '');
  const slash = h.indexOf('/');
  return { code: decodeURIComponent(h.slice(0, slash)), key: decodeURIComponent(h.slice(slash + 1)) };
}

async function presenterUrl(server) {
  const m = await server.waitForOutput(/presenter:\s+(\S+)/);
  return m[1];
}

test('--presenter-key secret: the server starts, warns on stderr, and the key drives the deck', async () => {
  const server = await startServer({ key: 'secret' });
  try {
    assert.match(server.stderr, WARNING, server.output());
    const url = await presenterUrl(server);
    assert.ok(url.endsWith(`/present/#${CODE}/secret`), url);
    const { welcome } = await joinPresenter(server, CODE, 'secret');
    assert.equal(welcome.role, 'presenter');
    const r = await server.get(`/api/sessions/${CODE}/results.json`, { Authorization: 'Bearer secret' });
    assert.equal(r.status, 200, r.body);
  } finally {
    await server.stop();
  }
});

test('a one-character key is accepted; a key of 16 or more gets no warning', async () => {
  const one = await startServer({ key: 'k' });
  try {
    assert.match(one.stderr, WARNING);
    await joinPresenter(one, CODE, 'k');
  } finally {
    await one.stop();
  }
  const long = await startServer({ key: 'x'.repeat(128) });
  try {
    assert.doesNotMatch(long.stderr, WARNING, long.output());
    await joinPresenter(long, CODE, 'x'.repeat(128));
  } finally {
    await long.stop();
  }
});

test('a key with URL-special characters: encoded in the presenter URL, decoded back, and accepted by join and Bearer', async () => {
  const KEY = 'a/b#c%d?e&f=g+h"i\'j<k>l\\m:n@o;p,q~r';
  const server = await startServer({ key: KEY });
  try {
    const url = await presenterUrl(server);
    const frag = new URL(url).hash;
    // Only one '/' in the fragment (the separator), and no raw '#' or '%'
    // that a browser would take as something else.
    assert.equal(frag.split('/').length, 2, url);
    assert.ok(!frag.slice(1).includes('#'), url);
    assert.doesNotMatch(frag, /%(?![0-9A-F]{2})/, url);
    assert.deepEqual(credentialsFromUrl(url), { code: CODE, key: KEY });

    const { welcome } = await joinPresenter(server, CODE, KEY);
    assert.equal(welcome.role, 'presenter');
    // A near miss is still wrong.
    const c = await Client.connect(server, { label: 'near-miss' });
    const id = c.request({ type: 'join', code: CODE, key: KEY.slice(0, -1) });
    assert.equal((await c.nextError(id)).code, 'forbidden');
    await c.close();

    for (const ext of ['csv', 'json', 'html']) {
      const ok = await server.get(`/api/sessions/${CODE}/results.${ext}`, { Authorization: `Bearer ${KEY}` });
      assert.equal(ok.status, 200, `${ext}: ${ok.body}`);
      const bad = await server.get(`/api/sessions/${CODE}/results.${ext}`, { Authorization: `Bearer ${KEY}x` });
      assert.equal(bad.status, 401, ext);
    }
  } finally {
    await server.stop();
  }
});

test('keys that are empty, hold whitespace, are not ASCII or exceed 128 characters: usage error', async () => {
  for (const key of ['', 'has space', 'tab\there', 'new\nline', 'clé-0123456789abcdef', 'x'.repeat(129)]) {
    const r = await runCli(['serve', '--port', '0', '--presenter-key', key, deck('basic.md')]);
    assert.equal(r.code, 2, `key ${JSON.stringify(key)}: exit ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, /--presenter-key/);
  }
});
