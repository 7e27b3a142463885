// media.test.mjs -- /media/<code>/<path> (DESIGN section 8): only images the
// deck references, inside its folder once links are followed, sniffed by
// content, at most 20 MiB; every path traversal form is a 404, including a
// file swapped for a symbolic link after the deck loaded; ETag, caching,
// HEAD, and SVG that cannot run script.  The deck's warnings name file:line.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { Server, joinPresenter, tempDir } from './lib.mjs';
import { GIF, JPEG, PNG, SVG, WEBP, rawRequest } from './media-lib.mjs';

const CODE = '24682468';
const root = tempDir('handsup-media-');
const dir = path.join(root, 'deck');
const deckPath = path.join(dir, 'deck.md');
let server;
let slides;

before(async () => {
  fs.mkdirSync(path.join(dir, 'images', 'sub'), { recursive: true });
  const files = {
    'images/map.png': PNG, 'images/photo.jpg': JPEG, 'images/anim.gif': GIF, 'images/pic.webp': WEBP,
    'images/diagram.svg': SVG, 'images/sub/deep one.png': PNG, 'images/swap.png': PNG,
    'images/fake.png': '<html><script>alert(1)</script></html>', 'not-referenced.png': PNG,
    'secret.txt': 'inside but not referenced',
  };
  for (const [f, data] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), data);
  fs.writeFileSync(path.join(root, 'outside.png'), PNG);
  fs.symlinkSync('../../outside.png', path.join(dir, 'images', 'link.png'));
  // 20 MiB and one byte, starting like a PNG: refused for its size.
  fs.writeFileSync(path.join(dir, 'images', 'big.png'), PNG);
  fs.truncateSync(path.join(dir, 'images', 'big.png'), 20 * 1024 * 1024 + 1);
  fs.writeFileSync(deckPath, `---
code: ${CODE}
---

# Images

![w:300](images/map.png) ![](images/photo.jpg) ![](images/anim.gif) ![](images/pic.webp)
![](images/diagram.svg) ![](images/sub/deep%20one.png) ![](images/swap.png)
![](./images/../images/map.png)

---

![](images/fake.png)
![](images/big.png)
![](images/link.png)
![](images/missing.png)
![](../outside.png)
![](/etc/passwd)
`);
  server = new Server({ decks: [deckPath] });
  await server.start();
  const { c, welcome } = await joinPresenter(server, CODE);
  slides = welcome.deck.slides;
  await c.close();
});

after(async () => { await server?.stop(); });

const media = (p) => `/media/${CODE}/${p}`;

test('every image that may be shown is served with its sniffed type', async () => {
  const want = {
    'images/map.png': 'image/png', 'images/photo.jpg': 'image/jpeg', 'images/anim.gif': 'image/gif',
    'images/pic.webp': 'image/webp', 'images/diagram.svg': 'image/svg+xml', 'images/sub/deep%20one.png': 'image/png',
  };
  for (const [p, type] of Object.entries(want)) {
    const r = await rawRequest(server, media(p));
    assert.equal(r.status, 200, p);
    assert.equal(r.headers['content-type'], type, p);
    assert.equal(r.headers['x-content-type-options'], 'nosniff', p);
    assert.match(r.headers.etag, /^"[0-9a-f-]+"$/, p);
  }
  const png = await rawRequest(server, media('images/map.png'));
  assert.deepEqual(png.body, PNG);
});

test('the slide html points at /media/<code>/ with the version of each file', () => {
  const html = slides[0].html;
  assert.match(html, new RegExp(`<img src="/media/${CODE}/images/map.png\\?v=[0-9a-f-]+" alt="" width="300">`));
  assert.match(html, new RegExp(`/media/${CODE}/images/sub/deep%20one.png\\?v=`));
  assert.ok(!/hu-media:/.test(html), html);
});

test('the deck warns with file:line about what it will not show', () => {
  const lines = {
    'images/fake.png': [13, /is not a PNG, JPEG, GIF, WebP or SVG image/],
    'images/big.png': [14, /is larger than 20 MiB/],
    'images/link.png': [15, /is outside the deck's folder/],
    'images/missing.png': [16, /is not found beside the deck/],
    '../outside.png': [17, /is outside the deck's folder/],
    '/etc/passwd': [18, /is outside the deck's folder/],
  };
  for (const [img, [line, re]] of Object.entries(lines)) {
    const m = server.stderr.split('\n').find((l) => l.startsWith(`${deckPath}:${line}: warning: image "${img}"`));
    assert.ok(m, `no warning for ${img} at line ${line} in:\n${server.stderr}`);
    assert.match(m, re);
  }
});

test('path traversal in every form, and files not referenced, get 404', async () => {
  const forms = [
    '../outside.png', 'images/../../outside.png', '%2e%2e/outside.png', '%2E%2E%2Foutside.png',
    'images%2f..%2f..%2foutside.png', '..%5coutside.png', 'images\\..\\..\\outside.png', 'images\\map.png',
    '/etc/passwd', '%2fetc%2fpasswd', '//etc/passwd', '/../outside.png', '.%2e/outside.png',
    'images/%2e%2e/%2e%2e/outside.png', 'deck.md', 'secret.txt', 'not-referenced.png', 'images/fake.png', 'images/big.png',
    'images/link.png', 'images/missing.png', 'images/map.png%00.txt', '', 'images/',
  ];
  for (const f of forms) {
    // lws hangs up on a NUL in the path without an answer: refused too.
    const r = await rawRequest(server, media(f)).catch((e) => {
      if (f.includes('%00') && /no HTTP answer/.test(e.message)) return { status: 404, body: Buffer.alloc(0) };
      throw e;
    });
    assert.equal(r.status, 404, `${f} answered ${r.status}`);
    assert.ok(!r.body.includes(PNG.subarray(0, 8)) || r.body.length < 8, f);
  }
  // Another session's code, and a code that is not one.
  assert.equal((await rawRequest(server, '/media/99999999/images/map.png')).status, 404);
  assert.equal((await rawRequest(server, '/media/abc/images/map.png')).status, 404);
});

test('a file swapped for a symbolic link after loading is refused', async () => {
  assert.equal((await rawRequest(server, media('images/swap.png'))).status, 200);
  const f = path.join(dir, 'images', 'swap.png');
  fs.rmSync(f);
  fs.symlinkSync(path.join(root, 'outside.png'), f);
  assert.equal((await rawRequest(server, media('images/swap.png'))).status, 404);
  // And a folder swapped for a link: the walk refuses it too.
  fs.renameSync(path.join(dir, 'images', 'sub'), path.join(dir, 'images', 'sub-real'));
  fs.symlinkSync(path.join(dir, 'images', 'sub-real'), path.join(dir, 'images', 'sub'));
  assert.equal((await rawRequest(server, media('images/sub/deep%20one.png'))).status, 404);
  // A referenced file whose content became something else is refused.
  fs.writeFileSync(path.join(dir, 'images', 'anim.gif'), '<script>alert(1)</script>');
  assert.equal((await rawRequest(server, media('images/anim.gif'))).status, 404);
});

test('ETag, If-None-Match, caching by version, HEAD', async () => {
  const first = await rawRequest(server, media('images/photo.jpg'));
  const etag = first.headers.etag;
  assert.equal(first.headers['cache-control'], 'no-cache');
  const again = await rawRequest(server, media('images/photo.jpg'), { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  const v = etag.replace(/"/g, '');
  const versioned = await rawRequest(server, `${media('images/photo.jpg')}?v=${v}`);
  assert.equal(versioned.headers['cache-control'], 'max-age=31536000, immutable');
  const stale = await rawRequest(server, `${media('images/photo.jpg')}?v=0-0-0`);
  assert.equal(stale.headers['cache-control'], 'no-cache');
  const head = await rawRequest(server, media('images/photo.jpg'), { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-length'], String(JPEG.length));
  assert.equal(head.body.length, 0);
  assert.equal((await rawRequest(server, media('images/nothing.png'), { method: 'HEAD' })).status, 404);
});

test('SVG cannot run script, even opened on its own', async () => {
  const r = await rawRequest(server, media('images/diagram.svg'));
  assert.equal(r.status, 200);
  const csp = Object.entries(r.headers).filter(([k]) => k === 'content-security-policy').map(([, v]) => v).join(';');
  assert.match(csp, /sandbox/);
  assert.match(csp, /default-src 'none'/);
});
