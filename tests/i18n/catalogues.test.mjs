// catalogues.test.mjs -- every catalogue has every key English has, with
// every plural form its language uses and the same placeholders, and says
// in its metadata whether a machine made it; every key the pages use exists,
// every key English has is used, and the pages' HTML holds no English words
// of its own (they must come from the catalogue).
//
// The catalogues are web/i18n/<lang>.json (attendee page) and
// presenter/i18n/<lang>.json (presenter views); the languages are the ones
// web/i18n.js offers.  The checker is tested on a catalogue broken on purpose
// first, so that a checker that found nothing could not pass.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const ROOT = process.env.HANDSUP_SOURCE_DIR || path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// The languages, read from web/i18n.js so the test and the page agree.
function languages() {
  const src = readFileSync(path.join(ROOT, 'web', 'i18n.js'), 'utf8');
  const block = /var LANGS = \{([\s\S]*?)\};/.exec(src);
  assert.ok(block, 'web/i18n.js defines LANGS');
  return [...block[1].matchAll(/(\w+): '/g)].map((m) => m[1]);
}
const RTL = new Set(['ar']);

const PLURAL_FORMS = new Set(['zero', 'one', 'two', 'few', 'many', 'other']);

function placeholders(entry) {
  const texts = typeof entry === 'string' ? [entry] : Object.values(entry);
  const names = new Set();
  for (const t of texts) for (const m of String(t).matchAll(/\{(\w+)\}/g)) names.add(m[1]);
  return names;
}

// Problems of catalogue cat (language lang) against English en, as sentences.
export function checkCatalogue(en, cat, lang) {
  const problems = [];
  const meta = cat._meta;
  if (!meta || typeof meta !== 'object') {
    problems.push('no _meta');
  } else {
    if (meta.lang !== lang) problems.push(`_meta.lang is ${JSON.stringify(meta.lang)}, not "${lang}"`);
    if (meta.dir !== (RTL.has(lang) ? 'rtl' : 'ltr')) problems.push(`_meta.dir is ${JSON.stringify(meta.dir)}`);
    if (typeof meta.machine !== 'boolean') problems.push('_meta.machine must say whether a machine made it (true or false)');
    if (typeof meta.name !== 'string' || !meta.name) problems.push('_meta.name is missing');
  }
  const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
  for (const [key, want] of Object.entries(en)) {
    if (key === '_meta') continue;
    if (!Object.prototype.hasOwnProperty.call(cat, key)) {
      problems.push(`missing key "${key}"`);
      continue;
    }
    const got = cat[key];
    if (typeof want === 'string') {
      if (typeof got !== 'string' || !got.trim()) { problems.push(`"${key}" must be a non-empty string`); continue; }
    } else {
      if (!got || typeof got !== 'object') { problems.push(`"${key}" must be plural forms`); continue; }
      for (const form of categories) {
        if (typeof got[form] !== 'string') problems.push(`"${key}" lacks the plural form "${form}" that ${lang} uses`);
      }
      for (const form of Object.keys(got)) {
        if (!PLURAL_FORMS.has(form)) problems.push(`"${key}" has an unknown plural form "${form}"`);
      }
    }
    const mine = placeholders(got);
    for (const name of placeholders(want)) {
      // A plural form may leave the number out ("one" in Welsh: "un bleidlais"),
      // but not every form of a key may.
      if (!mine.has(name)) problems.push(`"${key}" lacks the placeholder {${name}}`);
    }
    for (const name of mine) {
      if (!placeholders(want).has(name)) problems.push(`"${key}" has a placeholder {${name}} English does not fill`);
    }
  }
  for (const key of Object.keys(cat)) {
    if (key !== '_meta' && !Object.prototype.hasOwnProperty.call(en, key)) problems.push(`extra key "${key}" (not in English)`);
  }
  return problems;
}

function load(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

const FOLDERS = [path.join(ROOT, 'web', 'i18n'), path.join(ROOT, 'presenter', 'i18n')];

test('the checker finds a missing key, a missing plural form and a stray placeholder', () => {
  const en = { _meta: {}, 'a.b': 'Hello {name}', 'c.d': { one: '{count} vote', other: '{count} votes' }, 'e.f': 'Bye' };
  const broken = {
    _meta: { lang: 'cy', name: 'Cymraeg', dir: 'ltr', machine: true },
    'a.b': 'Helo {enw}',
    'c.d': { one: '{count} bleidlais', other: '{count} pleidlais' },
  };
  const problems = checkCatalogue(en, broken, 'cy');
  assert.ok(problems.includes('missing key "e.f"'), problems.join('\n'));
  assert.ok(problems.includes('"c.d" lacks the plural form "two" that cy uses'), problems.join('\n'));
  assert.ok(problems.includes('"a.b" lacks the placeholder {name}'), problems.join('\n'));
  assert.ok(problems.includes('"a.b" has a placeholder {enw} English does not fill'), problems.join('\n'));
  assert.deepEqual(checkCatalogue(en, { ...en, _meta: { lang: 'en', name: 'English', dir: 'ltr', machine: false } }, 'en'), []);
});

for (const folder of FOLDERS) {
  const rel = path.relative(ROOT, folder);
  test(`${rel}: a catalogue for every language, each with every key English has`, () => {
    assert.ok(existsSync(path.join(folder, 'en.json')), `${rel}/en.json exists`);
    const en = load(path.join(folder, 'en.json'));
    const langs = languages();
    const files = readdirSync(folder).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
    assert.deepEqual(files, [...langs].sort(), `${rel} holds one catalogue per language of web/i18n.js`);
    const all = [];
    for (const lang of langs) {
      for (const p of checkCatalogue(en, load(path.join(folder, `${lang}.json`)), lang)) all.push(`${rel}/${lang}.json: ${p}`);
    }
    assert.deepEqual(all, []);
  });
}

// Keys the pages ask for: every 'prefix.name' string in their scripts whose
// prefix is one of the catalogue's (so "conn.joined" in any expression
// counts), data-i18n="key" and data-i18n-attr="attr:key" in their HTML.
function usedKeys(files, en) {
  const prefixes = new Set(Object.keys(en).map((k) => k.split('.')[0]));
  const keys = new Set();
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    if (f.endsWith('.js')) {
      for (const m of src.matchAll(/'([a-z]+)\.([A-Za-z_]+)'/g)) if (prefixes.has(m[1])) keys.add(`${m[1]}.${m[2]}`);
    }
    for (const m of src.matchAll(/data-i18n="([\w.]+)"/g)) keys.add(m[1]);
    for (const m of src.matchAll(/data-i18n-attr="([^"]+)"/g)) {
      for (const pair of m[1].split(';')) keys.add(pair.split(':')[1].trim());
    }
  }
  return keys;
}

// The files whose words each catalogue holds: every page and script that
// draws words of that folder's pages.
const PAGES = {
  web: ['index.html', 'app.js', 'kinds.js', 'qa.js', 'lang.js'],
  presenter: ['console.html', 'console.js', 'index.html', 'present.js', 'words.js', 'bars.js', 'countdown.js',
    'kinds.js', 'moderate.js'],
};

for (const [folder, files] of Object.entries(PAGES)) {
  const en = () => load(path.join(ROOT, folder, 'i18n', 'en.json'));
  const used = () => usedKeys(files.map((f) => path.join(ROOT, folder, f)), en());

  test(`${folder}: every key its pages ask for is in the English catalogue`, () => {
    const keys = used();
    assert.ok(keys.size > 50, `keys found: ${keys.size}`);
    assert.deepEqual([...keys].filter((k) => !(k in en())), []);
  });

  // A key no page asks for is a sentence nobody sees, yet every language
  // must translate it: drop it, or the page that lost it has a bug.
  test(`${folder}: every key of the English catalogue is used by its pages`, () => {
    const keys = used();
    assert.deepEqual(Object.keys(en()).filter((k) => k !== '_meta' && !keys.has(k)), []);
  });
}

// Words a page's HTML shows that no catalogue gives: a text with letters
// whose element has no data-i18n, or an alt/title/aria-label/placeholder
// with letters not named in the element's data-i18n-attr.  Names are not
// words to translate: the product's, key caps (<kbd>) and formats (CSV).  The fallback English the HTML keeps
// for data-i18n elements is fine: the catalogue replaces it.
const NAMES = new Set(['handsup']);
const WORDY_ATTRS = ['alt', 'title', 'aria-label', 'placeholder'];

export function strayWords(html) {
  const stray = [];
  const body = html.replace(/<!--[\s\S]*?-->/g, '').replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, '');
  let last = '';
  for (const [token] of body.matchAll(/<[^>]*>|[^<]+/g)) {
    if (token.startsWith('<')) {
      last = token;
      if (token.startsWith('</') || token.startsWith('<!')) continue;
      const translated = new Set();
      const attr = /\sdata-i18n-attr="([^"]*)"/.exec(token);
      if (attr) for (const pair of attr[1].split(';')) translated.add(pair.split(':')[0].trim());
      for (const name of WORDY_ATTRS) {
        const m = new RegExp(`\\s${name}="([^"]*)"`).exec(token);
        if (m && /[A-Za-z]{2,}/.test(m[1]) && !NAMES.has(m[1].trim()) && !translated.has(name)) {
          stray.push(`${name}="${m[1]}" in ${token.split(/\s/)[0]}>`);
        }
      }
      continue;
    }
    const text = token.replace(/\s+/g, ' ').trim();
    if (!/[A-Za-z]{2,}/.test(text) || NAMES.has(text) || /^[A-Z]{2,5}$/.test(text) || /^<kbd\b/.test(last)) continue;
    const owner = !last.startsWith('</') && /\sdata-i18n="/.test(last);
    if (!owner) stray.push(`"${text}" after ${last.split(/\s/)[0]}${last.includes(' ') ? '…' : ''}`);
  }
  return stray;
}

test('the HTML checker finds English text and attributes outside the catalogue', () => {
  assert.deepEqual(strayWords('<p>Hello there</p>'), ['"Hello there" after <p>']);
  assert.deepEqual(strayWords('<img alt="A cat" data-i18n-attr="title:x.y">'), ['alt="A cat" in <img>']);
  assert.deepEqual(strayWords('<p><strong>0</strong> joined</p>'), ['"joined" after </strong>']);
  assert.deepEqual(strayWords('<p data-i18n="a.b">Hello</p><img alt="A cat" data-i18n-attr="alt:c.d">' +
    '<span class="brand">handsup</span><input placeholder="1234 5678"><kbd>PgDn</kbd><button>CSV</button>'), []);
});

for (const page of ['web/index.html', 'presenter/index.html', 'presenter/console.html']) {
  test(`${page}: no English words outside the catalogue`, () => {
    assert.deepEqual(strayWords(readFileSync(path.join(ROOT, page), 'utf8')), []);
  });
}

// Catalogues a machine made say so, and say that nobody has checked them
// yet (checkedBy names the person when someone has).
test('every catalogue but English is marked machine-made and unchecked until someone checks it', () => {
  const wrong = [];
  for (const folder of FOLDERS) {
    for (const lang of languages()) {
      if (lang === 'en') continue;
      const meta = load(path.join(folder, `${lang}.json`))._meta;
      if (meta.machine !== true) wrong.push(`${path.relative(ROOT, folder)}/${lang}.json: machine is not true`);
      if (!('checkedBy' in meta)) wrong.push(`${path.relative(ROOT, folder)}/${lang}.json: no checkedBy`);
      if (meta.machine === true && meta.checkedBy != null) {
        wrong.push(`${path.relative(ROOT, folder)}/${lang}.json: checked by ${meta.checkedBy} yet still marked machine-made`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});
