// browser-lib.mjs -- shared helpers for the browser tests: start the real
// handsup binary (through tests/integration/lib.mjs) on tests/browser/decks,
// drive Debian's Chromium with playwright-core, and wait for what a person
// would see on the page (text, attributes) instead of sleeping.
//
// ctest runs each *.test.mjs with HANDSUP_BIN, HANDSUP_SOURCE_DIR and
// HANDSUP_SCREENSHOT_DIR in the environment.  The browser is never a
// downloaded one: /usr/bin/chromium (or $HANDSUP_CHROMIUM), and a missing
// browser fails the test with a message that says how to install it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Server, SOURCE_DIR, command } from '../integration/lib.mjs';

export {
  Client, Server, SOURCE_DIR, command, joinAttendee, joinPresenter, sleep, tempDir,
} from '../integration/lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

export const DECK = path.join(here, 'decks', 'browser.md');
export const CODE = '12345678';          // decks/browser.md
export const TYPED_CODE = '1234 5678';   // as an attendee types it, off the screen
export const KEY = 'browser-test-key-0123456789abcdef';
// Slides of decks/browser.md, so tests name them instead of counting.
export const SLIDE = { welcome: 0, discuss: 1, coffee: 2, secret: 3, thanks: 4, count: 5 };

export const CHROMIUM = process.env.HANDSUP_CHROMIUM || '/usr/bin/chromium';

// Moves the room from a presenter Client and returns the state that shows
// it (a goto to the slide already shown is answered with a state too).
export async function gotoSlide(presenter, slide) {
  return command(presenter, { type: 'goto', slide }, (s) => s.slide.index === slide);
}

// Moves to a poll slide and makes sure its poll is open: leaving a poll
// closes it, and coming back leaves it closed.
export async function openPoll(presenter, slide) {
  const s = await gotoSlide(presenter, slide);
  if (s.poll?.status === 'open') return s;
  return command(presenter, { type: 'open' }, (x) => x.slide.index === slide && x.poll?.status === 'open');
}

// Browser context options for the two screens the product is built for.
export const PHONE = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
};
export const PROJECTOR = { viewport: { width: 1920, height: 1080 } };

const LAUNCH_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync', '--disable-quic',
];

// Starts headless Chromium.  Throws (so the test fails, never passes
// silently) when the browser or playwright-core is missing.
export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: the browser tests need Debian's ` +
      `chromium package (apt-get install -y chromium), or HANDSUP_CHROMIUM set to a Chromium binary`);
  }
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    throw new Error(`playwright-core is not installed (run npm ci --prefix tests): ${e.message}`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
}

// Starts a server on decks/browser.md with the test key.  opts go to Server
// (port, data: a restart on the same port and data file reuses them).
export async function startDeckServer(opts = {}) {
  const s = new Server({ decks: [DECK], key: KEY, ...opts });
  await s.start();
  return s;
}

// Records what a page does that a test may want to check afterwards: every
// request URL with its headers, WebSocket URLs, uncaught exceptions and
// console errors (CSP refusals show up there).
export function watch(page) {
  const w = { requests: [], sockets: [], pageErrors: [], consoleErrors: [] };
  page.on('request', (req) => { w.requests.push(req); });
  page.on('websocket', (ws) => { w.sockets.push(ws.url()); });
  page.on('pageerror', (e) => { w.pageErrors.push(String(e && e.stack ? e.stack : e)); });
  page.on('console', (m) => { if (m.type() === 'error') w.consoleErrors.push(m.text()); });
  return w;
}

// Fails when the page threw, or when its console reported errors other than
// the expected ones (regexes, e.g. a refused WebSocket while the server is down).
export function assertQuiet(w, allowed = []) {
  if (w.pageErrors.length) throw new Error(`the page threw:\n  ${w.pageErrors.join('\n  ')}`);
  const bad = w.consoleErrors.filter((t) => !allowed.some((re) => re.test(t)));
  if (bad.length) throw new Error(`the page logged errors:\n  ${bad.join('\n  ')}`);
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function currentText(page, selector) {
  try {
    const loc = page.locator(selector);
    const n = await loc.count();
    if (n === 0) return '<no element>';
    const visible = await loc.first().isVisible();
    return `${JSON.stringify(await loc.first().textContent({ timeout: 1000 }))}${visible ? '' : ' (hidden)'}`;
  } catch (e) {
    return `<${e.message.split('\n')[0]}>`;
  }
}

// Waits until the element at selector is visible and its text matches
// expected (a RegExp, or a string compared whole after trimming); on timeout
// the error says what the page showed instead.
export async function expectText(page, selector, expected, { timeout = 10000, state = 'visible' } = {}) {
  const re = expected instanceof RegExp ? expected : new RegExp(`^\\s*${escapeRe(expected)}\\s*$`);
  try {
    await page.locator(selector, { hasText: re }).first().waitFor({ state, timeout });
  } catch (e) {
    throw new Error(`${selector}: expected text ${re} within ${timeout} ms, the page shows ${await currentText(page, selector)}`);
  }
}

// Waits until selector is visible (or hidden, with state: 'hidden').
export async function expectState(page, selector, state = 'visible', timeout = 10000) {
  try {
    await page.locator(selector).first().waitFor({ state, timeout });
  } catch (e) {
    throw new Error(`${selector}: not ${state} within ${timeout} ms (now ${await currentText(page, selector)})`);
  }
}

// Waits until the element's attribute has the value.
export async function expectAttr(page, selector, attr, value, timeout = 10000) {
  const sel = `${selector}[${attr}="${value}"]`;
  try {
    await page.locator(sel).first().waitFor({ state: 'attached', timeout });
  } catch (e) {
    let now = '<no element>';
    try { now = JSON.stringify(await page.locator(selector).first().getAttribute(attr, { timeout: 1000 })); } catch { /* keep */ }
    throw new Error(`${selector}: expected ${attr}=${JSON.stringify(value)} within ${timeout} ms, it is ${now}`);
  }
}

// Waits until every finite CSS transition and animation on the page has
// ended, so colours read (by axe) or pictured are the settled ones, not a
// frame in the middle of a 120 ms fade.
export async function settle(page) {
  await page.evaluate(() => Promise.all(document.getAnimations()
    .filter((a) => a.effect && a.effect.getComputedTiming().iterations !== Infinity)
    .map((a) => a.finished.catch(() => null))));
}

// The folder screenshots go to: the build folder under ctest, else a temp one.
export function screenshotDir() {
  const dir = process.env.HANDSUP_SCREENSHOT_DIR || path.join(os.tmpdir(), 'handsup-screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export const WEB_DIR = path.join(SOURCE_DIR, 'web');

const requireHere = createRequire(import.meta.url);

// Runs axe-core on the page as it is now; fails listing every serious or
// critical violation with the elements it found.  axe is injected as a
// script file, so the page's context must bypass CSP (newContext({ ...,
// bypassCSP: true })): only the accessibility checks do.
export async function axeAudit(page, label) {
  let axe;
  try {
    axe = requireHere.resolve('axe-core/axe.min.js');
  } catch (e) {
    throw new Error(`axe-core is not installed (run npm ci --prefix tests): ${e.message}`);
  }
  await settle(page);
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ path: axe });
  }
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`),
    }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = result.filter((v) => !bad.includes(v));
  if (minor.length) {
    console.log(`# ${label}: minor findings: ${minor.map((v) => `${v.id} (${v.impact})`).join(', ')}`);
  }
  assert.deepEqual(bad.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.join('\n    ')}`), [],
    `${label}: serious or critical accessibility violations`);
}
