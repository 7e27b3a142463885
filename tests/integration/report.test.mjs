// report.test.mjs -- `handsup report` over two data files from two laptops
// that each served the same deck with the same code (DESIGN section 10):
// the long-form CSV has exactly the contract's columns and exactly the rows
// the votes make, runs in the order they started; the JSON matches polls by
// id across the files; the HTML is for a committee (no join codes, no UTC,
// a trend chart per poll with its PNG and SVG buttons, an A4 print layout)
// unless --technical asks for more; the organiser's page serves the same.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { CODE, command, joinAttendee, joinPresenter, runCli, startServer, tempDir, writeTemp } from './lib.mjs';
import { csvObjects, parseCsv } from './durable-lib.mjs';
import { tally, voteRoom } from './runs-lib.mjs';

const HEADER = 'data_file,session_code,session_title,run,run_label,run_started,poll_id,question,kind,'
  + 'option,option_label,count,voters,joined';
const dir = tempDir('handsup-report-');
const laptops = [
  { data: path.join(dir, 'cardiff.db'), label: 'Cardiff', votes: ['yes', 'yes', 'no'] },
  { data: path.join(dir, 'swansea.db'), label: 'Swansea', votes: ['no', 'no', 'no', 'yes'] },
];

// UTC, so run_started can be compared with the JSON export's startedAt.
const env = { TZ: 'UTC' };

test('report over two data files with the same code: exact CSV rows, JSON and HTML', async () => {
  for (const l of laptops) {
    const server = await startServer({ data: l.data, args: ['--new-run', '--run-label', l.label] });
    await voteRoom(server, l.votes);
    await server.stop();
    const doc = JSON.parse((await runCli(['export', '--data', l.data, '--format', 'json'], { env })).stdout);
    l.started = doc.sessions[0].run.startedAt.replace('Z', '+00:00');
    l.title = doc.sessions[0].title;
  }

  const args = ['report', '--data', laptops[0].data, '--data', laptops[1].data];
  const csv = await runCli([...args, '--format', 'csv'], { env });
  assert.equal(csv.code, 0, csv.stderr);
  assert.ok(csv.stdout.startsWith('\uFEFF' + HEADER + '\r\n'), csv.stdout.slice(0, 200));
  const rows = parseCsv(csv.stdout.replace(/^\uFEFF/, '')).slice(1);
  const want = [];
  for (const l of laptops) {
    const t = tally(l.votes);
    for (const [option, label] of [['yes', 'Yes'], ['no', 'No']]) {
      want.push([l.data, '1234 5678', l.title, '1', l.label, l.started, 'q1', 'Is this the first question?', 'yesno',
        option, label, String(t[option]), String(l.votes.length), String(l.votes.length)]);
    }
  }
  assert.deepEqual(rows, want);

  const json = JSON.parse((await runCli([...args, '--format', 'json'], { env })).stdout);
  assert.equal(json.format, 'handsup-report');
  assert.deepEqual(json.runs.map((r) => [r.dataFile, r.sessionCode, r.label]),
    laptops.map((l) => [l.data, CODE, l.label]));
  assert.deepEqual(json.polls.map((p) => p.id), ['q1'], 'only the polls that were opened');
  const q1 = json.polls[0];
  assert.deepEqual(q1.labels, ['Yes', 'No']);
  assert.equal(q1.optionsChanged, false);
  assert.deepEqual(q1.runs.map((r) => r.counts), laptops.map((l) => ({ Yes: tally(l.votes).yes, No: tally(l.votes).no })));
  assert.deepEqual(q1.runs[0].percents, { Yes: 66.7, No: 33.3 });

  const html = await runCli([...args, '--title', 'Workshops <2026>'], { env });
  assert.equal(html.code, 0, html.stderr);
  const page = html.stdout;
  assert.match(page, /<h1>Workshops &lt;2026&gt;<\/h1>/);
  assert.match(page, /@page\{size:A4/);
  assert.match(page, /<svg id="chart-1" class="chart"[^>]*role="img" aria-label="Yes: 67% in Cardiff, 25% in Swansea; No: 33% in Cardiff, 75% in Swansea"/);
  assert.match(page, /data-chart="chart-1" data-format="png"/);
  assert.match(page, /data-chart="chart-1" data-format="svg"/);
  assert.ok(!page.includes('1234 5678') && !page.includes(CODE), 'no join codes for a committee');
  assert.ok(!/UTC/.test(page), 'no UTC for a committee');
  assert.ok(!page.includes('cardiff.db'), 'no data files for a committee');
  assert.match(page, /<td>Cardiff<\/td><td>\d{1,2} \w{3} \d{4}<\/td><td class="n">2 <span class="pct">\(67%\)<\/span><\/td>/);
  const tech = (await runCli([...args, '--technical'], { env })).stdout;
  assert.ok(tech.includes('1234 5678') && tech.includes('cardiff.db') && tech.includes('(UTC+00:00)'));

  const only = await runCli([...args, '--format', 'csv', '--poll', 'q2'], { env });
  assert.equal(csvObjects(only.stdout).length, 0, '--poll q2: never opened, nothing to report');
  const coded = await runCli([...args, '--format', 'csv', '1234', '5678'], { env });
  assert.equal(csvObjects(coded.stdout).length, 4, 'a code as two arguments');
  const unknown = await runCli([...args, '99999999']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no session with code 99999999/);
});

// A question asked again with other options (a deck changed between two
// workshops, or two decks sharing a poll id), and an open text poll.
const deckText = (code, options) => `---
title: Priorities ${code}
code: ${code}
---

<!-- poll: choice -->
<!-- id: priorities -->

# What matters most to your team?

${options.map((o) => `- ${o}`).join('\n')}

---

<!-- poll: text -->
<!-- id: word -->

# One word for your practice
`;

test('options that changed between runs are counted per label, with a note; text polls list their answers', async () => {
  const d = tempDir('handsup-report-kinds-');
  const data = path.join(d, 'kinds.db');
  const a = writeTemp(d, 'spring.md', deckText('11112222', ['Trust', 'Time', 'Money']));
  const b = writeTemp(d, 'autumn.md', deckText('33334444', ['Trust', 'Time', 'Training']));
  const server = await startServer({ data, decks: [a, b], args: ['--new-run', '--run-label', 'Spring'] });
  const votes = { 11112222: ['Trust', 'Trust', 'Money'], 33334444: ['Training', 'Time'] };
  const words = { 11112222: ['Trust', ' trust ', 'Time'], 33334444: ['Time'] };
  for (const code of ['11112222', '33334444']) {
    const p = await joinPresenter(server, code);
    const ids = Object.fromEntries(p.state.poll.options.map((o) => [o.label, o.id]));
    for (const label of votes[code]) {
      const v = await joinAttendee(server, code);
      const m = await v.c.request({ type: 'vote', poll: 'priorities', choice: ids[label] });
      await v.c.next(['ack', 'error'], (x) => x.id === m).then((x) => assert.equal(x.type, 'ack', JSON.stringify(x)));
      v.c.close();
    }
    await command(p.c, { type: 'goto', slide: 1 }, (s) => s.poll?.id === 'word' && s.poll.status === 'open');
    for (const w of words[code]) {
      const v = await joinAttendee(server, code);
      const m = v.c.request({ type: 'answer', poll: 'word', text: w });
      await v.c.next(['ack', 'error'], (x) => x.id === m).then((x) => assert.equal(x.type, 'ack', JSON.stringify(x)));
      v.c.close();
    }
    p.c.close();
  }
  await server.stop();

  const json = JSON.parse((await runCli(['report', '--data', data, '--format', 'json'], { env })).stdout);
  const pr = json.polls.find((p) => p.id === 'priorities');
  assert.deepEqual(pr.labels, ['Trust', 'Time', 'Money', 'Training']);
  assert.equal(pr.optionsChanged, true);
  assert.deepEqual(pr.runs.map((r) => r.counts), [{ Trust: 2, Time: 0, Money: 1 }, { Trust: 0, Time: 1, Training: 1 }]);
  const word = json.polls.find((p) => p.id === 'word');
  assert.deepEqual(word.runs.map((r) => r.entries.map((e) => [e.count])), [[[2], [1]], [[1]]]);

  const html = (await runCli(['report', '--data', data], { env })).stdout;
  assert.match(html, /The options changed between runs, so counts are shown per option label\. “Money” was not offered in Spring\. “Training” was not offered in Spring\./);
  assert.match(html, /<td class="absent" title="not offered in this run">–<\/td>/);
  assert.match(html, /<th>Most frequent answers<\/th>/);
  assert.match(html, /Trust <span class="pct">\(2\)<\/span>, Time <span class="pct">\(1\)<\/span>/);

  const rows = csvObjects((await runCli(['report', '--data', data, '--format', 'csv'], { env })).stdout);
  const choice = rows.filter((r) => r.poll_id === 'priorities').map((r) => [r.session_code, r.option_label, r.count]);
  assert.deepEqual(choice, [['1111 2222', 'Trust', '2'], ['1111 2222', 'Time', '0'], ['1111 2222', 'Money', '1'],
    ['3333 4444', 'Trust', '0'], ['3333 4444', 'Time', '1'], ['3333 4444', 'Training', '1']]);
  const text = rows.filter((r) => r.poll_id === 'word').map((r) => [r.session_code, r.option, r.option_label, r.count, r.kind]);
  assert.equal(text.length, 3);
  assert.deepEqual(text.map((t) => [t[0], t[1], t[3], t[4]]), [['1111 2222', '', '2', 'text'], ['1111 2222', '', '1', 'text'],
    ['3333 4444', '', '1', 'text']]);
});
