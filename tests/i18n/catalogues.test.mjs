// catalogues.test.mjs -- every catalogue has every key English has, with
// every plural form its language uses and the same placeholders, and says
// in its metadata whether a machine made it; every key the pages use exists.
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

test('every key the console asks for is in the English catalogue', () => {
  const en = load(path.join(ROOT, 'presenter', 'i18n', 'en.json'));
  const keys = usedKeys(['console.html', 'console.js'].map((f) => path.join(ROOT, 'presenter', f)), en);
  assert.ok(keys.size > 50, `keys found: ${keys.size}`);
  const missing = [...keys].filter((k) => !(k in en));
  assert.deepEqual(missing, []);
});
