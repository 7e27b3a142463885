// report.mjs -- turns the load generator's JSON lines into the figures of
// docs/benchmarks.md: the machine, the commands, every figure as handsup /
// baseline / ratio / target / met.  Only the part between the markers
// "<!-- bench:begin -->" and "<!-- bench:end -->" is rewritten, so the
// hand-written analysis around it survives a new run.
//
// Usage: node report.mjs RESULTS.jsonl MACHINE.txt COMMANDS.txt OUT.md
import { readFileSync, writeFileSync, existsSync } from 'node:fs';

const [resultsPath, machinePath, commandsPath, outPath] = process.argv.slice(2);
if (!outPath) {
  console.error('usage: node report.mjs RESULTS.jsonl MACHINE.txt COMMANDS.txt OUT.md');
  process.exit(2);
}

const results = { handsup: {}, baseline: {} };
for (const line of readFileSync(resultsPath, 'utf8').split('\n')) {
  if (!line.startsWith('{')) continue;
  const o = JSON.parse(line);
  (results[o.server] ??= {})[o.scenario] = o;
}
const machine = Object.fromEntries(
  readFileSync(machinePath, 'utf8').split('\n').filter((l) => l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const commands = readFileSync(commandsPath, 'utf8').trim();

const fmt = (v, digits) => {
  if (v === undefined || v === null || Number.isNaN(v)) return 'n/a';
  const a = Math.abs(v);
  return v.toLocaleString('en-US', { maximumFractionDigits: digits ?? (a >= 1000 ? 0 : a >= 10 ? 1 : 2) });
};
const steps = (r) => r.connect?.steps ?? [];
const lastStep = (r) => steps(r)[steps(r).length - 1];
const steady = (r, rate) => r.steady?.rates?.find((x) => x.rate === rate && !x.skipped);
const rates = [...new Set([...(results.handsup.steady?.rates ?? []), ...(results.baseline.steady?.rates ?? [])]
  .map((x) => x.rate))].sort((a, b) => a - b);

// Each row: what is measured, how to read it from one server's results, and
// the target (a predicate on handsup's and the baseline's values) if any.
const rows = [
  ['attendees connected', '', (r) => Math.max(0, ...steps(r).map((s) => s.connected)), '>= 19,000', (h) => h >= 19000],
  ['time to connect the whole ramp', 's', (r) => steps(r).reduce((a, s) => a + s.seconds, 0)],
  ['server RSS at the end of the ramp', 'MiB', (r) => lastStep(r) && lastStep(r).rss_kib / 1024],
  ['RSS growth per idle attendee', 'bytes', (r) => lastStep(r)?.rss_bytes_per_attendee,
    '<= 2,048 and <= baseline / 3', (h, b) => h <= 2048 && (b === undefined || h <= b / 3)],
  ['burst: all votes acknowledged after', 'ms', (r) => r.burst?.acked === r.burst?.sent ? r.burst?.all_acked_ms : undefined,
    '<= 500 and < baseline', (h, b) => h <= 500 && (b === undefined || h < b)],
  ['burst: ack p50', 'ms', (r) => r.burst?.ack_p50_ms],
  ['burst: ack p99', 'ms', (r) => r.burst?.ack_p99_ms],
  ['burst: ack max', 'ms', (r) => r.burst?.ack_max_ms],
  ['burst: presenter tally exact after the last ack', 'ms',
    (r) => r.burst?.tally_exact ? Math.max(0, r.burst.tally_exact_after_last_ack_ms) : undefined, '<= 100', (h) => h <= 100],
];
for (const rate of rates) {
  const name = `steady ${fmt(rate)}/s`;
  rows.push([`${name}: acknowledged votes/s`, '/s', (r) => steady(r, rate)?.acked_per_s,
    ...(rate >= 50000 ? ['>= 50,000 (99% of offered)', (h) => h >= 0.99 * rate] : [])]);
  rows.push([`${name}: ack p50`, 'ms', (r) => steady(r, rate)?.ack_p50_ms]);
  rows.push([`${name}: ack p99`, 'ms', (r) => steady(r, rate)?.ack_p99_ms,
    ...(rate === 10000 ? ['< 10', (h) => h < 10] : [])]);
  rows.push([`${name}: server CPU`, '% core', (r) => steady(r, rate)?.server_cpu_pct]);
}
rows.push(
  ['fan-out: phone has the new slide, p50', 'ms', (r) => r.fanout?.p50_ms],
  ['fan-out: p99', 'ms', (r) => r.fanout?.p99_ms],
  ['fan-out: last phone, median of the moves', 'ms', (r) => r.fanout?.last_p50_ms],
  ['phones connected for the fan-out', '', (r) => r.fanout?.n],
  ['fan-out: last phone, worst move', 'ms', (r) => r.fanout?.missed === 0 ? r.fanout?.last_max_ms : undefined,
    '<= 250 (to 19,000 phones)', (h) => h <= 250 && results.handsup.fanout?.n >= 19000],
  ['reconnect storm: phones', '', (r) => r.reconnect?.n],
  ['reconnect storm: all back with their votes', 'ms',
    (r) => r.reconnect && !r.reconnect.missing && !r.reconnect.votes_lost ? r.reconnect.all_back_ms : undefined,
    '<= 5,000 (19,000 phones)', (h) => h <= 5000 && results.handsup.reconnect?.n >= 19000],
  ['reconnect storm: server saw everyone leave after', 'ms', (r) => r.reconnect?.drop_noticed_ms],
  ['second burst (before the storm): all acknowledged', 'ms', (r) => r.burst2?.all_acked_ms],
);

const table = ['| figure | unit | handsup | baseline | handsup / baseline | target | met? |',
  '|---|---|---:|---:|---:|---|---|'];
for (const [name, unit, get, target, met] of rows) {
  const h = get(results.handsup), b = get(results.baseline);
  const ratio = h !== undefined && b ? fmt(h / b, 2) : 'n/a';
  const ok = target ? (h === undefined ? '**no** (not measured)' : met(h, b) ? 'yes' : '**no**') : '';
  table.push(`| ${name} | ${unit} | ${fmt(h)} | ${fmt(b)} | ${ratio} | ${target ?? ''} | ${ok} |`);
}

const rampRows = ['| attendees | handsup: connect s | handsup: RSS MiB | handsup: bytes/attendee | baseline: connect s | baseline: RSS MiB | baseline: bytes/attendee |',
  '|---:|---:|---:|---:|---:|---:|---:|'];
const targets = [...new Set([...steps(results.handsup), ...steps(results.baseline)].map((s) => s.target))].sort((a, b) => a - b);
for (const t of targets) {
  const h = steps(results.handsup).find((s) => s.target === t), b = steps(results.baseline).find((s) => s.target === t);
  const cell = (s) => s ? [fmt(s.seconds, 2), fmt(s.rss_kib / 1024), fmt(s.rss_bytes_per_attendee, 0)] : ['n/a', 'n/a', 'n/a'];
  rampRows.push(`| ${fmt(t)} | ${cell(h).join(' | ')} | ${cell(b).join(' | ')} |`);
}

const problems = [];
for (const [server, r] of Object.entries(results)) {
  if (r.died) problems.push(`- ${server}: the server process died during the run.`);
  if (r.burst && r.burst.acked !== r.burst.sent) problems.push(`- ${server}: burst: ${r.burst.acked} of ${r.burst.sent} votes acknowledged (${r.burst.errors} errors, last ${r.burst.last_error}).`);
  if (r.burst && !r.burst.tally_exact) problems.push(`- ${server}: burst: the presenter's tally never became exact (yes ${r.burst.tally_yes}, no ${r.burst.tally_no}).`);
  for (const s of r.steady?.rates ?? []) if (!s.skipped && s.acked !== s.sent) problems.push(`- ${server}: steady ${s.rate}/s: ${s.acked} of ${s.sent} acknowledged within ${10} s after the window (${s.errors} errors, last ${s.last_error || 'none'}).`);
  const before = Math.max(0, ...steps(r).map((s) => s.connected));
  for (const s of r.steady?.rates ?? [])
    if (s.phones_left !== undefined && s.phones_left < before)
      problems.push(`- ${server}: after steady ${s.rate}/s only ${s.phones_left} of ${before} phones were still connected: the server closed the others.`);
  if (r.fanout?.missed) problems.push(`- ${server}: fan-out: ${r.fanout.missed} phone updates never arrived.`);
  if (r.reconnect && (r.reconnect.missing || r.reconnect.votes_lost || r.reconnect.tokens_lost))
    problems.push(`- ${server}: reconnect: ${r.reconnect.missing} not back, ${r.reconnect.tokens_lost} new tokens, ${r.reconnect.votes_lost} votes lost.`);
}

const block = `<!-- bench:begin -->
<!-- Generated by tests/bench/run (tests/bench/report.mjs); edit outside the markers. -->
Run of ${machine.date} at commit \`${machine.commit}\`.

### Machine

| | |
|---|---|
| CPU | ${machine.cpus} x ${machine.model} |
| memory | ${machine.memory} |
| OS, kernel | ${machine.os}, Linux ${machine.kernel} |
| open files per process | ${machine.nofile} (hard limit) |
| ephemeral ports | ${machine.port_range}, per source address |
| data file | ${machine.disk}; one 4 KiB write + fsync takes ${machine.fsync_ms} ms |
| pauses of a busy thread, machine idle (5 s per CPU) | ${Object.keys(machine).filter((k) => k.startsWith('jitter_')).map((k) => `${k.replace('jitter_', '')}: ${machine[k]}`).join('; ') || 'n/a'} |
| handsup | libwebsockets ${machine.lws.replace(/-$/, '')} on libev, SQLite ${machine.sqlite} (WAL, synchronous=FULL) |
| baseline | Node.js ${machine.node}, ws ${machine.ws}, in memory |
| other load during the runs | handsup: ${machine.handsup_other_cpu ?? 'n/a'}; baseline: ${machine.baseline_other_cpu ?? 'n/a'} |

### Commands

\`\`\`
${commands}
\`\`\`

### Figures

${table.join('\n')}

### Connect ramp

${rampRows.join('\n')}
${problems.length ? `\n### Problems seen in this run\n\n${problems.join('\n')}\n` : ''}
<!-- bench:end -->`;

// Poll kinds beyond yes/no: handsup alone, in a block of its own, so a run
// of only these scenarios (BENCH_ONLY=kinds) leaves the comparison as it is.
const k = results['handsup-kinds'] ?? {};
const kindRows = [
  ['yes/no burst in the same run, for comparison: all acknowledged after', 'ms', k.burst?.acked === k.burst?.sent ? k.burst?.all_acked_ms : undefined],
  ['yes/no burst: ack p99', 'ms', k.burst?.ack_p99_ms],
  ['the generator\'s time to send each burst (yes/no, multiple, scale, text)', 'ms',
    undefined, undefined, undefined,
    ['burst', 'burst-multiple', 'burst-scale', 'burst-text'].map((x) => fmt(k[x]?.send_ms, 0)).join(' / ')],
  ['multiple choice burst (pick 2 of 4): all acknowledged after', 'ms', k['burst-multiple']?.acked === k['burst-multiple']?.sent ? k['burst-multiple']?.all_acked_ms : undefined, '<= 500', (v) => v <= 500],
  ['multiple choice burst: ack p99', 'ms', k['burst-multiple']?.ack_p99_ms],
  ['multiple choice burst: tally exact after the last ack', 'ms', k['burst-multiple']?.tally_exact ? Math.max(0, k['burst-multiple'].tally_exact_after_last_ack_ms) : undefined, '<= 100', (v) => v <= 100],
  ['scale burst (1-5): all acknowledged after', 'ms', k['burst-scale']?.acked === k['burst-scale']?.sent ? k['burst-scale']?.all_acked_ms : undefined, '<= 500', (v) => v <= 500],
  ['scale burst: ack p99', 'ms', k['burst-scale']?.ack_p99_ms],
  ['scale burst: tally exact after the last ack', 'ms', k['burst-scale']?.tally_exact ? Math.max(0, k['burst-scale'].tally_exact_after_last_ack_ms) : undefined, '<= 100', (v) => v <= 100],
  ['text burst (one answer each): all acknowledged after', 'ms', k['burst-text']?.acked === k['burst-text']?.sent ? k['burst-text']?.all_acked_ms : undefined, '<= 1,000', (v) => v <= 1000],
  ['text burst: ack p99', 'ms', k['burst-text']?.ack_p99_ms],
  ['text burst: presenter\'s cloud exact after the last ack', 'ms', k['burst-text']?.tally_exact ? Math.max(0, k['burst-text'].tally_exact_after_last_ack_ms) : undefined, '<= 200', (v) => v <= 200],
  ['questions: phones', '', k.qa?.phones],
  ['questions: upvotes acknowledged (1,000/s)', '', k.qa?.upvotes_acked],
  ['questions: lists one phone got, most', '', k.qa?.lists_per_phone_max, `<= ${k.qa ? Math.floor(k.qa.seconds) + 1 : 'n/a'} (one a second)`, (v) => v <= Math.floor(k.qa.seconds) + 1],
  ['questions: shortest gap between two lists to a phone', 'ms', k.qa?.min_gap_ms],
  ['questions: server CPU while upvotes arrive', '% core', k.qa?.server_cpu_pct, '< 50', (v) => v < 50],
  ['questions: bytes of lists per phone per second', 'B/s', k.qa?.bytes_per_phone_s],
  ['questions: upvote ack p99', 'ms', k.qa?.upvote_ack_p99_ms],
];
const kindTable = ['| figure | unit | handsup | target | met? |', '|---|---|---:|---|---|'];
for (const [name, unit, v, target, met, text] of kindRows) {
  const ok = target ? (v === undefined ? '**no** (not measured)' : met(v) ? 'yes' : '**no**') : '';
  kindTable.push(`| ${name} | ${unit} | ${text ?? fmt(v)} | ${target ?? ''} | ${ok} |`);
}
const kindConnected = Math.max(0, ...steps(k).map((s) => s.connected));
const kindsBlock = `<!-- bench-kinds:begin -->
<!-- Generated by tests/bench/run (tests/bench/report.mjs); edit outside the markers. -->
Run of ${machine.date} at commit \`${machine.commit}\` on ${machine.cpus} x ${machine.model}; one 4 KiB write +
fsync ${machine.fsync_ms} ms; pauses of a busy thread with the machine idle: ${Object.keys(machine).filter((x) => x.startsWith('jitter_')).map((x) => `${x.replace('jitter_', '')}: ${machine[x]}`).join('; ') || 'n/a'}.
Other load during this run: ${machine['handsup-kinds_other_cpu'] ?? 'n/a'}. ${fmt(kindConnected)} phones connected on
\`tests/bench/deck-kinds.md\` (\`--scenarios burst,kinds\`: the yes/no burst first, for comparison).

${kindTable.join('\n')}
<!-- bench-kinds:end -->`;

let doc;
if (existsSync(outPath) && readFileSync(outPath, 'utf8').includes('<!-- bench:begin -->')) {
  doc = readFileSync(outPath, 'utf8');
  if (Object.keys(results.handsup).length || Object.keys(results.baseline).length)
    doc = doc.replace(/<!-- bench:begin -->[\s\S]*<!-- bench:end -->/, block);
} else {
  doc = `# Benchmarks\n\nHow to run: \`tests/bench/run\` (several minutes).\n\n## Results\n\n${block}\n\n## What limits each figure\n\n(to be written)\n`;
}
if (results['handsup-kinds']) {
  doc = doc.includes('<!-- bench-kinds:begin -->')
    ? doc.replace(/<!-- bench-kinds:begin -->[\s\S]*<!-- bench-kinds:end -->/, kindsBlock)
    : doc.replace('<!-- bench:end -->', `<!-- bench:end -->\n\n## Poll kinds beyond yes/no\n\n${kindsBlock}`);
}
writeFileSync(outPath, doc);
