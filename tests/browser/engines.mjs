// engines.mjs -- one small page API over the three browser engines the
// room's phones run: Chromium (Android), WebKit (iPhones) and Gecko.
//
//   chromium  Debian's /usr/bin/chromium through playwright-core (as the
//             other browser tests);
//   firefox   Debian's /usr/bin/firefox-esr, headless, over WebDriver BiDi
//             through puppeteer-core (no browser of its own is downloaded);
//   webkit    Debian's WebKitGTK: WebKitWebDriver (webkit2gtk-driver)
//             driving MiniBrowser on a private Xvfb display, over classic
//             WebDriver with the little client below.  WebKitWebDriver takes
//             one session at a time, so pages of this engine are opened one
//             after another.
//
// A Page offers what a person does (goto, click, type, reload) plus
// evaluate(fn, arg) and screenshot(file); the wait helpers at the bottom are
// written with evaluate only, so a test reads the same in every engine.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import net from 'node:net';

import { CHROMIUM, PHONE, sleep } from './browser-lib.mjs';

export const FIREFOX = process.env.HANDSUP_FIREFOX || '/usr/bin/firefox-esr';
export const WEBKIT_DRIVER = process.env.HANDSUP_WEBKIT_DRIVER || '/usr/bin/WebKitWebDriver';
export const MINIBROWSER = process.env.HANDSUP_MINIBROWSER ||
  '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const XVFB = '/usr/bin/Xvfb';

function need(file, what) {
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: the ${what} browser tests need it (sh .ci/dev test installs it: ` +
      'apt-get install -y chromium firefox-esr webkit2gtk-driver xvfb hyphen-en-us)');
  }
}

/* ---- chromium: playwright-core ------------------------------------------- */

// playwright-core's and puppeteer-core's pages answer the same calls.
class LibraryPage {
  constructor(ctx, page) { this.ctx = ctx; this.page = page; this.errors = []; page.on('pageerror', (e) => this.errors.push(String(e))); }
  goto(url) { return this.page.goto(url); }
  reload() { return this.page.reload(); }
  click(sel) { return this.page.click(sel); }
  type(sel, text) { return this.page.type(sel, text); }
  evaluate(fn, arg) { return this.page.evaluate(fn, arg); }
  screenshot(file) { return this.page.screenshot({ path: file }); }
  close() { return this.ctx.close(); }
}

async function chromium() {
  need(CHROMIUM, 'Chromium');
  const { chromium: pw } = await import('playwright-core');
  const browser = await pw.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  return {
    name: 'chromium',
    async newPhone({ locale } = {}) {
      const ctx = await browser.newContext({ ...PHONE, ...(locale ? { locale } : {}) });
      return new LibraryPage(ctx, await ctx.newPage());
    },
    close: () => browser.close(),
  };
}

/* ---- firefox: puppeteer-core over WebDriver BiDi ------------------------- */

async function firefox() {
  need(FIREFOX, 'Firefox ESR');
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({
    browser: 'firefox', executablePath: FIREFOX, headless: true, protocol: 'webDriverBiDi',
    // Phones' languages, as a phone would send them (the tests choose with ?lang=).
    extraPrefsFirefox: { 'intl.accept_languages': 'en-GB,en' },
  });
  return {
    name: 'firefox',
    async newPhone() {
      const ctx = await browser.createBrowserContext();
      const page = await ctx.newPage();
      await page.setViewport({ width: PHONE.viewport.width, height: PHONE.viewport.height, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
      return new LibraryPage(ctx, page);
    },
    close: () => browser.close(),
  };
}

/* ---- webkit: WebKitWebDriver on Xvfb, a small WebDriver client ------------ */

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// Starts Xvfb on a display it picks itself (-displayfd) and resolves to ":N".
function startXvfb() {
  return new Promise((resolve, reject) => {
    const child = spawn(XVFB, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.stdio[3].on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve({ child, display: `:${out.trim()}` });
    });
    child.once('exit', (code) => reject(new Error(`Xvfb exited (${code}): ${err.slice(-500)}`)));
  });
}

class WebDriverPage {
  constructor(wd, id) { this.wd = wd; this.id = id; this.errors = []; }
  async cmd(method, path, body) {
    const res = await fetch(`${this.wd.base}/session/${this.id}${path}`, {
      method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const j = await res.json();
    if (j.value && j.value.error) throw new Error(`WebDriver ${method} ${path}: ${j.value.error}: ${j.value.message}`);
    return j.value;
  }
  async element(sel) {
    const v = await this.cmd('POST', '/element', { using: 'css selector', value: sel });
    return Object.values(v)[0];
  }
  goto(url) { return this.cmd('POST', '/url', { url }); }
  reload() { return this.cmd('POST', '/refresh', {}); }
  async click(sel) { await this.cmd('POST', `/element/${await this.element(sel)}/click`, {}); }
  async type(sel, text) { await this.cmd('POST', `/element/${await this.element(sel)}/value`, { text }); }
  evaluate(fn, arg) {
    return this.cmd('POST', '/execute/sync', { script: `return (${fn.toString()})(arguments[0]);`, args: [arg === undefined ? null : arg] });
  }
  async screenshot(file) { writeFileSync(file, Buffer.from(await this.cmd('GET', '/screenshot'), 'base64')); }
  async close() {
    await fetch(`${this.wd.base}/session/${this.id}`, { method: 'DELETE' });
    this.wd.busy = false;
  }
}

async function webkit() {
  need(WEBKIT_DRIVER, 'WebKitGTK (webkit2gtk-driver)');
  need(MINIBROWSER, 'WebKitGTK MiniBrowser (libwebkit2gtk-4.1-0)');
  need(XVFB, 'WebKitGTK (xvfb)');
  const xvfb = await startXvfb();
  const port = await freePort();
  const driver = spawn(WEBKIT_DRIVER, [`--port=${port}`], { env: { ...process.env, DISPLAY: xvfb.display }, stdio: 'ignore' });
  const wd = { base: `http://127.0.0.1:${port}`, busy: false };
  const deadline = Date.now() + 10000;
  for (;;) {
    try { if ((await fetch(`${wd.base}/status`)).ok) break; } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error('WebKitWebDriver did not start within 10 s');
    await sleep(100);
  }
  return {
    name: 'webkit',
    async newPhone() {
      if (wd.busy) throw new Error('WebKitWebDriver takes one session at a time: close the other page first');
      const res = await fetch(`${wd.base}/session`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } } } }),
      });
      const j = await res.json();
      if (!j.value || !j.value.sessionId) throw new Error(`WebKitWebDriver refused a session: ${JSON.stringify(j).slice(0, 300)}`);
      wd.busy = true;
      const page = new WebDriverPage(wd, j.value.sessionId);
      // MiniBrowser is at least 447 px wide: the narrowest it goes, a large phone.
      await page.cmd('POST', '/window/rect', { width: PHONE.viewport.width, height: PHONE.viewport.height });
      return page;
    },
    async close() {
      driver.kill('SIGTERM');
      xvfb.child.kill('SIGTERM');
    },
  };
}

export const ENGINES = { chromium, firefox, webkit };

export function launchEngine(name) {
  const f = ENGINES[name];
  if (!f) throw new Error(`unknown engine ${name} (chromium, firefox or webkit)`);
  return f();
}

/* ---- waiting for what a person would see, in any engine ------------------ */

// Waits until fn(arg), run in the page, returns a truthy value; returns it.
// On timeout the error names what was awaited and what the page showed.
export async function waitFor(page, fn, arg, what, timeout = 10000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await page.evaluate(fn, arg);
      if (last && last.ok) return last;
    } catch (e) { last = { now: `<${e.message.split('\n')[0]}>` }; }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeout} ms (the page shows ${JSON.stringify(last && last.now)})`);
    await sleep(100);
  }
}

// Visible means laid out with a size, as a person would see it.
function probe({ sel, re, flags, attr, value, visible }) {
  const el = document.querySelector(sel);
  if (!el) return { ok: visible === false, now: '<no element>' };
  const shown = !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length) && getComputedStyle(el).visibility !== 'hidden';
  const text = (el.textContent || '').trim();
  if (visible !== undefined) return { ok: shown === visible, now: `${shown ? 'visible' : 'hidden'}: ${text}` };
  if (attr) return { ok: el.getAttribute(attr) === value, now: `${attr}=${el.getAttribute(attr)}` };
  return { ok: shown && new RegExp(re, flags).test(text), now: `${text}${shown ? '' : ' (hidden)'}` };
}

export function expectText(page, sel, expected, timeout) {
  const re = expected instanceof RegExp ? expected : new RegExp(`^${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  return waitFor(page, probe, { sel, re: re.source, flags: re.flags }, `${sel} ${re}`, timeout);
}

export function expectVisible(page, sel, visible = true, timeout) {
  return waitFor(page, probe, { sel, visible }, `${sel} ${visible ? 'visible' : 'hidden'}`, timeout);
}

export function expectAttr(page, sel, attr, value, timeout) {
  return waitFor(page, probe, { sel, attr, value }, `${sel}[${attr}=${value}]`, timeout);
}
