// gen-emoji.mjs -- writes server/deck/deck_emoji_table.c, the ":shortcode:"
// table of the deck reader, from the table @marp-team/marp-core itself uses
// (markdown-it-emoji's "full" set, from GitHub's gemoji), so that a title
// with ":smile:" reads the same in handsup as in Marp.
//
//   node tests/tools/gen-emoji.mjs > server/deck/deck_emoji_table.c
//
// marp-core bundles the table as an object literal starting "{100:`💯`";
// it is cut out of the bundle and evaluated as data.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const lib = path.dirname(require.resolve('@marp-team/marp-core'));
let table = null;
for (const f of fs.readdirSync(lib).filter((n) => n.endsWith('.cjs'))) {
  const src = fs.readFileSync(path.join(lib, f), 'utf8');
  const at = src.indexOf('{100:`');
  if (at < 0) continue;
  let depth = 0, end = at;
  for (; end < src.length; end++) {
    if (src[end] === '{') depth++;
    else if (src[end] === '}' && --depth === 0) break;
  }
  table = new Function(`return ${src.slice(at, end + 1)}`)();
  break;
}
if (!table) throw new Error('emoji table not found in @marp-team/marp-core');
const names = Object.keys(table).filter((k) => /^[a-z0-9_+-]+$/.test(k)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const c = (s) => '"' + Buffer.from(s, 'utf8').toString('hex').replace(/../g, '\\x$&') + '"';
const out = [];
out.push('/* deck_emoji_table.c -- Marp\'s emoji shortcodes, generated: do not edit.');
out.push(' *');
out.push(' * node tests/tools/gen-emoji.mjs > server/deck/deck_emoji_table.c');
out.push(` * ${names.length} shortcodes of markdown-it-emoji's full set (GitHub's gemoji, MIT),`);
out.push(' * as bundled by @marp-team/marp-core; sorted by name for bsearch. */');
out.push('#include "deck_emoji.h"');
out.push('');
out.push('const struct deck_emoji deck_emoji_table[] = {');
for (let i = 0; i < names.length; i += 4) {
  out.push('    ' + names.slice(i, i + 4).map((n) => `{"${n}", ${c(table[n])}}`).join(', ') + ',');
}
out.push('};');
out.push('');
out.push('const unsigned deck_emoji_count = sizeof deck_emoji_table / sizeof deck_emoji_table[0];');
process.stdout.write(out.join('\n') + '\n');
