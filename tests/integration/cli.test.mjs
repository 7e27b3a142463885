// cli.test.mjs -- the command line of docs/protocol.md: help and version,
// exit status 2 for usage errors and 1 for start-up errors (a broken deck
// prints file:line at the start of the line), options before or after the
// decks and codes, the banner, --port 0, and `handsup export`.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import {
  CODE, KEY, SLIDE, Server, command, deck, joinAttendee, joinPresenter, runCli, tempDir, writeTemp,
} from './lib.mjs';

const dir = tempDir('handsup-cli-');
const data = path.join(dir, 'cli.db');

test('--help prints the usage and exits 0; --version too', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /usage: handsup serve/);
  assert.match(r.stdout, /handsup export/);
  const s = await runCli(['serve', '--help']);
  assert.equal(s.code, 0);
  assert.match(s.stdout, /--presenter-key/);
  const v = await runCli(['--version']);
  assert.equal(v.code, 0);
  assert.match(v.stdout, /^handsup \d+\.\d+\.\d+/);
});

test('usage errors exit 2 with a message', async () => {
  const cases = [
    [],
    ['frobnicate'],
    ['serve', '--bogus-flag', deck('basic.md')],
    ['serve', '--port', 'eighty', deck('basic.md')],
    ['serve', '--port', '70000', deck('basic.md')],
    ['serve', '--presenter-key', 'has space', deck('basic.md')],
    ['serve', deck('basic.md'), '--port', 'eighty'],
    ['serve'],
    ['export', '--format', 'xml'],
    ['export', '--data', data, 'not-a-code'],
    ['export', '--data', data, '1234 567'],
    ['export', data, '--format', 'xml'],
  ];
  for (const args of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `handsup ${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
    assert.ok(r.stderr.trim().length > 0, `handsup ${args.join(' ')}: no message on stderr`);
  }
});

test('a broken deck exits 1 naming file:line', async () => {
  const file = writeTemp(dir, 'broken.md', [
    '---',                       // 1
    'title: Broken',             // 2
    '---',                       // 3
    '',                          // 4
    '# Fine',                    // 5
    '',                          // 6
    '---',                       // 7
    '',                          // 8
    '<!-- poll: maybe -->',      // 9
    '',                          // 10
    '# Which kind?',             // 11
    '',
  ].join('\n'));
  const r = await runCli(['serve', '--host', '127.0.0.1', '--port', '0', '--data', path.join(dir, 'broken.db'), file]);
  assert.equal(r.code, 1, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  // As a compiler prints it, so editors and scripts can jump to it: the
  // file name first on its line, no "handsup: " before it.
  const line = r.stderr.split('\n').find((l) => l.includes('broken.md:9:'));
  assert.ok(line, r.stderr);
  assert.ok(line.startsWith(`${file}:9: `), `the line starts with the file name: ${JSON.stringify(line)}`);
  assert.doesNotMatch(r.stderr, /handsup: .*broken\.md/, r.stderr);
  // Nothing was created for a deck that does not parse.
  assert.equal(r.stdout, '');
});

test('a missing deck file exits 1; other start-up errors keep the "handsup: " prefix', async () => {
  const r = await runCli(['serve', '--port', '0', '--data', path.join(dir, 'missing.db'), path.join(dir, 'no-such-deck.md')]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^handsup: .*no-such-deck\.md/m);
});

test('the same deck file twice says so, rather than that a join code is taken', async () => {
  const file = deck('basic.md');
  const again = path.join(path.dirname(file), '.', path.basename(file));
  const r = await runCli(['serve', '--host', '127.0.0.1', '--port', '0', '--data', path.join(dir, 'twice.db'), file, again]);
  assert.equal(r.code, 2, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /same deck file/, r.stderr);
  assert.ok(r.stderr.includes(file), r.stderr);
  assert.doesNotMatch(r.stderr, /join code/, r.stderr);
});

test('options may follow the decks (GNU style); "--" ends them', async () => {
  // serve DECK --port 0 --data FILE ...
  const server = new Server({
    port: 0,
    argv: [deck('basic.md'), '--port', '0', '--host', '127.0.0.1', '--data', path.join(dir, 'after.db'),
      '--presenter-key', KEY],
  });
  await server.start();
  try {
    await joinPresenter(server);
  } finally {
    await server.stop();
  }
  // After "--" everything is a deck, even a name that looks like an option.
  const odd = tempDir('handsup-cli-odd-');
  writeTemp(odd, '-odd.md', '---\ntitle: Odd name\n---\n\n# Hello\n');
  const bad = await runCli(['serve', '--port', '0', '--data', path.join(odd, 'x.db'), '-odd.md'], { cwd: odd });
  assert.equal(bad.code, 2, `without "--", -odd.md is options: exit ${bad.code}\n${bad.stderr}`);
  const named = new Server({
    port: 0,
    argv: ['--host', '127.0.0.1', '--port', '0', '--data', path.join(odd, 'y.db'), '--', path.join(odd, '-odd.md')],
  });
  await named.start();
  try {
    assert.match(named.stdout, /Odd name/);
  } finally {
    await named.stop();
  }
});

test('two decks with the same fixed code exit 1 with a message', async () => {
  const copy = writeTemp(dir, 'copy.md', '---\ntitle: Copy\ncode: 1234 5678\n---\n\n# Same code\n');
  const r = await runCli(['serve', '--host', '127.0.0.1', '--port', '0', '--data', path.join(dir, 'dup.db'),
    deck('basic.md'), copy]);
  assert.equal(r.code, 1, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /12345678|1234 5678/, r.stderr);
});

test('the banner shows code, attendee URL, QR and presenter URL; --port 0 picks a port', async () => {
  const server = new Server({ data, port: 0, args: ['--public-url', 'http://vote.example.org'] });
  await server.start();
  try {
    await server.waitForOutput(/listening on port \d+/);
    const out = server.stdout;
    assert.match(out, /Integration deck/);
    // The code as 8 plain digits, so \d{8} finds it; then as read out.
    assert.equal(out.match(/code:\s*(\d{8})\b/)?.[1], CODE, out);
    assert.match(out, /join code:\s+12345678\s+\(read out as 1234 5678\)/, out);
    assert.ok(out.includes(`http://vote.example.org/j/${CODE}`), out);
    assert.ok(out.includes(`http://vote.example.org/present/#${CODE}/${KEY}`), out);
    assert.ok(!out.includes(`/present/?`), 'the key never goes in a query string');
    assert.match(out, new RegExp(`listening on port ${server.port}`));
    assert.ok(out.split('\n').length > 15, 'a QR code takes some lines');
    const h = await server.get('/healthz');
    assert.equal(h.status, 200);

    // Some votes to export afterwards.
    const { c: p } = await joinPresenter(server);
    await command(p, { type: 'goto', slide: SLIDE.q1 }, (s) => s.poll?.id === 'q1' && s.poll.status === 'open');
    const a = await joinAttendee(server);
    const b = await joinAttendee(server);
    await a.c.vote('q1', 'yes');
    await b.c.vote('q1', 'no');
    await a.c.vote('q1', 'no');
    await Promise.all([p.close(), a.c.close(), b.c.close()]);
  } finally {
    await server.stop();
  }
});

test('handsup export reads the data file after the server stopped', async () => {
  const r = await runCli(['export', '--data', data, '--format', 'json', CODE]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.sessions.length, 1);
  const s = doc.sessions[0];
  assert.equal(s.code, CODE);
  // Without the deck, the data file knows the polls that were opened.
  const q1 = s.polls.find((x) => x.id === 'q1');
  assert.ok(q1, JSON.stringify(s.polls));
  assert.deepEqual(q1.counts, { yes: 0, no: 2 });
  assert.equal(q1.voters, 2);

  const csv = await runCli(['export', '--data', data, '--format', 'csv']);
  assert.equal(csv.code, 0, csv.stderr);
  const lines = csv.stdout.split(/\r?\n/).filter(Boolean);
  assert.ok(lines.length >= 2, csv.stdout);
  // The code as it is read out, so a spreadsheet keeps it as text.
  assert.ok(lines.some((l) => l.includes(`${CODE.slice(0, 4)} ${CODE.slice(4)}`) && l.includes('q1')), csv.stdout);

  const out = tempDir('handsup-export-');
  const files = await runCli(['export', '--data', data, '--format', 'html', '--out', out]);
  assert.equal(files.code, 0, files.stderr);
  assert.ok(files.stdout.includes(path.join(out, `${CODE}.html`)), files.stdout);

  // Options after the codes, and a code written with its space.
  const after = await runCli(['export', '1234 5678', '--format', 'json', '--data', data]);
  assert.equal(after.code, 0, after.stderr);
  assert.deepEqual(JSON.parse(after.stdout), doc);
  const unknown = await runCli(['export', '9999 9999', '--data', data]);
  assert.equal(unknown.code, 1, unknown.stderr);

  const none = await runCli(['export', '--data', path.join(dir, 'nothing-here.db')]);
  assert.equal(none.code, 1);
  assert.ok(none.stderr.length > 0);
});
