// admin.test.mjs -- the organiser's page as an organiser uses it (DESIGN
// section 10), in Chromium under the server's real policy: it lists the
// sessions and their figures live (a phone joins, the count moves; a deck
// uploaded on the page appears), shows a broken deck's error at its line,
// deletes a run only after a confirmation, and downloads the report, whose
// charts save as SVG and PNG and whose A4 print preview is pictured.  axe
// finds nothing serious on the page.
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';

import {
  CODE, KEY, PROJECTOR, SLIDE, assertQuiet, command, expectState, expectText, joinAttendee, joinPresenter,
  launchBrowser, screenshotDir, settle, startDeckServer, watch,
} from './browser-lib.mjs';

const ADMIN = 'browser-admin-key-0123456789abcdef';
const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const shots = screenshotDir();

let browser;
let server;

before(async () => {
  browser = await launchBrowser();
  server = await startDeckServer({ args: ['--admin-key', ADMIN, '--new-run', '--run-label', 'Morning'] });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function api(method, p, body, type) {
  const headers = { Authorization: `Bearer ${ADMIN}` };
  if (type) headers['Content-Type'] = type;
  const res = await fetch(server.url(p), { method, headers, body, signal: AbortSignal.timeout(10000) });
  return { status: res.status, json: await res.json().catch(() => null) };
}

const UPLOAD = `---\ntitle: Afternoon deck\n---\n\n# Hello\n\n---\n\n<!-- poll: yesno -->\n<!-- id: coffee -->\n\n# More coffee?\n`;

test('the organiser\'s page: live sessions, upload, a run deleted after confirmation, the report', async () => {
  const ctx = await browser.newContext({ ...PROJECTOR, acceptDownloads: true });
  const page = await ctx.newPage();
  const w = watch(page);
  await page.goto(server.url(`/admin/#${ADMIN}`));
  const card = `#session-${CODE}`;
  await expectText(page, `${card} .code`, '1234 5678');
  await expectText(page, `${card} .meta`, /run 1 \(Morning\)/);
  await expectText(page, `${card} .figure:nth-child(1) dd`, '0');
  // No request carried the key anywhere but its Authorization header.
  assert.ok(w.requests.every((r) => !r.url().includes(ADMIN)), 'the key never in a request line');
  assert.ok(w.requests.some((r) => r.url().endsWith('/api/admin/sessions') && r.headers().authorization === `Bearer ${ADMIN}`));

  // A phone joins: the page shows it within its polling second.
  const phone = await joinAttendee(server, CODE);
  await expectText(page, `${card} .figure:nth-child(1) dd`, '1', { timeout: 4000 });
  await expectText(page, `${card} .figure:nth-child(2) dd`, '1', { timeout: 4000 });
  phone.c.close();

  // A broken deck: the error, and the line it names, marked.
  const broken = '# Hello\n\n---\n\n<!-- poll: maybe -->\n# Which?\n';
  await page.setInputFiles('#upload-file', { name: 'broken.md', mimeType: 'text/markdown', buffer: Buffer.from(broken) });
  await page.click('#upload-form button[type=submit]');
  await expectText(page, '#upload-result .error', /^broken\.md:5: unknown poll kind/);
  await expectText(page, '#upload-result .bad-line', '<!-- poll: maybe -->');
  // A good one: a new session card appears, and a phone can join it at once.
  await page.setInputFiles('#upload-file', { name: 'afternoon.md', mimeType: 'text/markdown', buffer: Buffer.from(UPLOAD) });
  await page.click('#upload-form button[type=submit]');
  await expectText(page, '#upload-result .ok', /“Afternoon deck” is served now with code \d{4} \d{4}/);
  const code = (await page.textContent('#upload-result .ok')).match(/code (\d{4}) (\d{4})/).slice(1).join('');
  await expectText(page, `#session-${code} .session-title`, 'Afternoon deck', { timeout: 4000 });
  (await joinAttendee(server, code)).c.close();

  // Votes in run 1, then a new run from the page: run 1 ends and is listed.
  const p = await joinPresenter(server, CODE);
  await command(p.c, { type: 'goto', slide: SLIDE.coffee }, (s) => s.poll?.status === 'open');
  const voter = await joinAttendee(server, CODE);
  await voter.c.vote('coffee', 'yes');
  voter.c.close();
  p.c.close();
  await page.fill(`#label-${CODE}`, 'Evening');
  await page.click(`${card} .new-run button[type=submit]`);
  await expectText(page, `${card} .meta`, /run 2 \(Evening\)/, { timeout: 4000 });
  await expectState(page, `${card} button[aria-label="Delete run 1"]`);
  await page.screenshot({ path: path.join(shots, 'admin-page.png'), fullPage: true });

  // The presenter view says which run is live and since when.
  const pv = await ctx.newPage();
  await pv.goto(server.url(`/present/#${CODE}/${KEY}`));
  await expectText(pv, '#run-line', /^Run 2 · Evening · live since \d\d?:\d\d( [AP]M)?$/);
  await pv.close();

  // The report, downloaded as the page offers it.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#report-html')]);
  const file = path.join(shots, 'report.html');
  await download.saveAs(file);
  const html = readFileSync(file, 'utf8');
  assert.match(html, /<h1>Results across runs<\/h1>/);
  assert.match(html, /Should every meeting start with coffee\?/);
  assert.match(html, /<td>Morning<\/td>/);

  // Delete: the dialog first; "Keep it" keeps the run.
  await page.click(`${card} button[aria-label="Delete run 1"]`);
  await expectText(page, '#confirm-text', /Run 1 \(Morning\) of “Browser test deck”.*with 2 participants/);
  await page.screenshot({ path: path.join(shots, 'admin-confirm.png') });
  await page.click('#confirm-cancel');
  await page.waitForTimeout(1500);
  assert.equal((await api('GET', `/api/admin/sessions/${CODE}/runs`)).json.runs.length, 2, 'kept');
  await page.click(`${card} button[aria-label="Delete run 1"]`);
  await page.click('#confirm-delete');
  await expectState(page, `${card} button[aria-label="Delete run 1"]`, 'detached');
  assert.deepEqual((await api('GET', `/api/admin/sessions/${CODE}/runs`)).json.runs.map((r) => r.number), [2]);

  // The one error: the broken deck's 400, on purpose.
  assertQuiet(w, [/status of 400/]);
  await ctx.close();
});

test('the report: charts saved as SVG and PNG, and its A4 print preview', async () => {
  // Two runs with different votes, so the chart has a line to draw.
  for (const [label, votes] of [['Tuesday', ['yes', 'no']], ['Thursday', ['yes', 'yes', 'yes']]]) {
    assert.equal((await api('POST', `/api/admin/sessions/${CODE}/runs`, JSON.stringify({ label }), 'application/json')).status, 201);
    const p = await joinPresenter(server, CODE);
    await command(p.c, { type: 'goto', slide: SLIDE.coffee }, (s) => s.poll?.status === 'open');
    for (const v of votes) {
      const a = await joinAttendee(server, CODE);
      await a.c.vote('coffee', v);
      a.c.close();
    }
    p.c.close();
  }
  const res = await fetch(server.url('/api/admin/report.html'), { headers: { Authorization: `Bearer ${ADMIN}` } });
  const file = path.join(shots, 'report-runs.html');
  writeFileSync(file, await res.text());

  const ctx = await browser.newContext({ viewport: { width: 1000, height: 900 }, acceptDownloads: true });
  const page = await ctx.newPage();
  const w = watch(page);
  await page.goto(pathToFileURL(file).href);
  await expectState(page, 'button[data-chart="chart-1"][data-format="svg"]');
  const [svgDl] = await Promise.all([page.waitForEvent('download'),
    page.click('button[data-chart="chart-1"][data-format="svg"]')]);
  const svg = readFileSync(await svgDl.path(), 'utf8');
  assert.match(svg, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /Thursday/);
  assert.equal(svgDl.suggestedFilename(), 'coffee.svg');
  const [pngDl] = await Promise.all([page.waitForEvent('download'),
    page.click('button[data-chart="chart-1"][data-format="png"]')]);
  const png = readFileSync(await pngDl.path());
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
  assert.ok(png.length > 5000, `the PNG holds a picture (${png.length} bytes)`);
  assert.equal(pngDl.suggestedFilename(), 'coffee.png');

  // The print preview on A4 (210 mm at 96 dpi): the buttons go, nothing is
  // wider than the paper, and a PDF of it has A4 pages.
  await page.emulateMedia({ media: 'print' });
  await page.setViewportSize({ width: 794, height: 1123 });
  await settle(page);
  assert.equal(await page.isVisible('.chart-tools'), false, 'no buttons on paper');
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 794, `the report is ${wide}px wide on A4`);
  const shot = path.join(shots, 'report-a4-print.png');
  await page.screenshot({ path: shot, fullPage: true });
  assert.ok(statSync(shot).size > 10000);
  const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
  const mediaBox = pdf.toString('latin1').match(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/);
  assert.ok(mediaBox, 'the PDF has a page size');
  assert.deepEqual([Math.round(Number(mediaBox[1])), Math.round(Number(mediaBox[2]))], [595, 842], 'A4 pages');
  assertQuiet(w);
  await ctx.close();
});

test('axe finds nothing serious on the organiser\'s page', async () => {
  const ctx = await browser.newContext({ ...PROJECTOR, bypassCSP: true });
  const page = await ctx.newPage();
  await page.goto(server.url(`/admin/#${ADMIN}`));
  await expectText(page, `#session-${CODE} .code`, '1234 5678');
  await settle(page);
  await page.addScriptTag({ path: AXE });
  const bad = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
  assert.deepEqual(bad, []);
  await ctx.close();
});
