// report-cluster.mjs -- the cluster scenario's figures (tests/bench/run with
// BENCH_CLUSTER=1 or BENCH_ONLY=...,cluster) for docs/benchmarks.md: the two
// generators' JSON lines (cluster-r0, cluster-r1) combined, the node and Redis
// figures the run script sampled, beside the single SQLite process of the
// same run when it ran too. Only the part between "<!-- cluster:begin -->"
// and "<!-- cluster:end -->" is rewritten (added at the end when missing).
//
// Usage: node report-cluster.mjs RESULTS.jsonl MACHINE.txt COMMANDS.txt OUT.md
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const [resultsPath, machinePath, commandsPath, outPath] = process.argv.slice(2);
if (!outPath) {
  console.error('usage: node report-cluster.mjs RESULTS.jsonl MACHINE.txt COMMANDS.txt OUT.md');
  process.exit(2);
}
const byServer = {};
for (const line of readFileSync(resultsPath, 'utf8').split('\n')) {
  if (!line.startsWith('{')) continue;
  const o = JSON.parse(line);
  (byServer[o.server] ??= {})[o.scenario] = o;
}
const m = Object.fromEntries(readFileSync(machinePath, 'utf8').split('\n').filter((l) => l.includes('='))
  .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const num = (k) => (m[k] === undefined || m[k] === '' ? undefined : Number(m[k]));
const commands = readFileSync(commandsPath, 'utf8').trim().split('\n').filter((l) => /cluster|redis-server|--redis/.test(l)).join('\n');
const r0 = byServer['cluster-r0'] ?? {};
const r1 = byServer['cluster-r1'] ?? {};
const single = byServer.handsup;
const both = [r0, r1];

const fmt = (v, digits) => {
  if (v === undefined || v === null || Number.isNaN(v)) return 'n/a';
  const a = Math.abs(v);
  return v.toLocaleString('en-US', { maximumFractionDigits: digits ?? (a >= 1000 ? 0 : a >= 10 ? 1 : 2) });
};
const sum = (f) => { const v = both.map(f); return v.some((x) => x === undefined) ? undefined : v.reduce((a, b) => a + b, 0); };
const max = (f) => { const v = both.map(f); return v.some((x) => x === undefined) ? undefined : Math.max(...v); };
const lastStep = (r) => r.connect?.steps?.[r.connect.steps.length - 1];

const phones = sum((r) => lastStep(r)?.connected);
const nodeA = (num('cluster_after_fds_a') ?? NaN) - (num('cluster_before_fds_a') ?? NaN);
const nodeB = (num('cluster_after_fds_b') ?? NaN) - (num('cluster_before_fds_b') ?? NaN);
const rssPer = (k) => {
  const phonesOn = k === 'a' ? nodeA : nodeB;
  return ((num(`cluster_after_rss_${k}`) - num(`cluster_before_rss_${k}`)) * 1024) / phonesOn;
};
const burst = both.every((r) => r.burst) ? {
  sent: sum((r) => r.burst.sent),
  acked: sum((r) => r.burst.acked),
  allMs: (Math.max(...both.map((r) => r.burst.t_acked_mono_us)) - Math.min(...both.map((r) => r.burst.t0_mono_us))) / 1000,
  p50: max((r) => r.burst.ack_p50_ms),
  p99: max((r) => r.burst.ack_p99_ms),
  exact: both.every((r) => r.burst.tally_exact),
  errors: sum((r) => r.burst.errors),
} : undefined;
const fan = both.every((r) => r.fanout) ? {
  worst: max((r) => r.fanout.last_max_ms),
  median: max((r) => r.fanout.last_p50_ms),
  missed: sum((r) => r.fanout.missed),
  moves: r0.fanout.moves,
} : undefined;
const rates = (r0.steady?.rates ?? []).filter((x) => !x.skipped).map((x) => x.rate);
const steady = rates.map((rate) => {
  const rows = both.map((r) => r.steady?.rates?.find((x) => x.rate === rate));
  if (rows.some((x) => !x)) return undefined;
  return {
    offered: 2 * rate,
    acked: rows.reduce((a, x) => a + x.acked_per_s, 0),
    p50: Math.max(...rows.map((x) => x.ack_p50_ms)),
    p99: Math.max(...rows.map((x) => x.ack_p99_ms)),
    errors: rows.reduce((a, x) => a + x.errors, 0),
  };
}).filter(Boolean);
const fo = both.every((r) => r.failover) ? {
  dropped: sum((r) => r.failover.dropped),
  back: max((r) => r.failover.all_back_ms),
  lost: sum((r) => r.failover.votes_lost),
  tokens: sum((r) => r.failover.tokens_lost),
  missing: sum((r) => r.failover.missing),
} : undefined;
const redisMem = (num('cluster_after_redis_mem') - num('cluster_before_redis_mem')) / phones;
const hz = 100;
const redisCpuS = (num('cluster_redis_ticks1') - num('cluster_redis_ticks0')) / hz;
const votes = sum((r) => (r.burst?.acked ?? 0) + (r.steady?.rates ?? []).reduce((a, x) => a + (x.acked ?? 0), 0)
  + (r['failover-burst']?.acked ?? 0));

const rows = [
  ['phones held (two nodes, one port)', fmt(phones), '38,000', phones >= 38000],
  ['joins answered store_failed and sent again (Redis over --redis-timeout)', fmt(sum((r) => lastStep(r)?.join_retries ?? 0))],
  ['phones per node after the connect (A / B)', `${fmt(nodeA)} / ${fmt(nodeB)}`],
  ['RSS growth per phone, node A / node B', `${fmt(rssPer('a'))} / ${fmt(rssPer('b'))} bytes`],
  ['burst: votes acknowledged', burst ? `${fmt(burst.acked)} of ${fmt(burst.sent)}` : 'n/a'],
  ['burst: all acknowledged after (both generators)', burst ? `${fmt(burst.allMs)} ms` : 'n/a', '<= 2,000 ms', burst && burst.acked === burst.sent && burst.allMs <= 2000],
  ['burst: ack p50 / p99', burst ? `${fmt(burst.p50)} / ${fmt(burst.p99)} ms` : 'n/a'],
  ['burst: tally exact on both presenters', burst ? String(burst.exact) : 'n/a'],
  ['fan-out: last phone of both nodes, median / worst move', fan ? `${fmt(fan.median)} / ${fmt(fan.worst)} ms (${fan.moves} moves, ${fan.missed} missed)` : 'n/a', '<= 500 ms', fan && fan.worst <= 500 && fan.missed === 0],
  ...steady.map((s) => [`steady ${fmt(s.offered)} votes/s offered: acknowledged/s, ack p50 / p99`, `${fmt(s.acked)} /s, ${fmt(s.p50)} / ${fmt(s.p99)} ms${s.errors ? `, ${s.errors} errors` : ''}`]),
  ['node A killed: phones in the room / on node A', fo ? `${fmt(sum((r) => r.failover.n))} / ${fmt(fo.dropped)}` : 'n/a'],
  ['node A killed: all back on node B with their votes after', fo ? `${fmt(fo.back)} ms` : 'n/a', '<= 10,000 ms', fo && fo.back <= 10000 && !fo.lost && !fo.tokens && !fo.missing],
  ['node A killed: votes lost / tokens lost / phones not back', fo ? `${fo.lost} / ${fo.tokens} / ${fo.missing}` : 'n/a'],
  ['Redis memory per phone (used_memory)', `${fmt(redisMem)} bytes`],
  ['Redis RSS after the connect', `${fmt(num('cluster_after_redis_rss') / 1024)} MiB`],
  ['Redis CPU for the whole run / per acknowledged vote', `${fmt(redisCpuS)} s / ${fmt((redisCpuS * 1e6) / votes)} µs (${fmt(votes)} votes)`],
  ['AOF on disk at the end', `${fmt(num('cluster_redis_aof_bytes') / 1048576)} MiB`],
];
if (single) {
  const s = lastStep(single);
  rows.push(['single SQLite process, same run: phones / burst all acked / fan-out worst',
    `${fmt(s?.connected)} / ${fmt(single.burst?.all_acked_ms)} ms / ${fmt(single.fanout?.last_max_ms)} ms`]);
}
const table = ['| figure | measured | target | met |', '|---|---|---|---|',
  ...rows.map(([name, v, target, met]) => `| ${name} | ${v} | ${target ?? ''} | ${target ? (met ? 'yes' : '**no**') : ''} |`)].join('\n');

const block = `<!-- cluster:begin -->
Machine: ${m.cpus} CPUs (${m.model}), ${m.memory}, ${m.os}, kernel ${m.kernel}; fsync of 4 KiB ${m.fsync_ms} ms
on ${m.disk}; Redis ${m.redis}, hiredis ${m.hiredis}; load generator at commit ${m.commit}, handsup built from ${m.handsup_commit === 'same' ? m.commit : m.handsup_commit}; ${m.date}; cluster run ${m.cluster_seconds} s.
Other engineers' builds shared the two cores: ${Object.entries(m).filter(([k]) => k.endsWith('_other_cpu')).map(([k, v]) => `${k.replace('_other_cpu', '')} ${v}`).join('; ') || 'not measured'}.

${table}

\`\`\`
${commands}
\`\`\`
<!-- cluster:end -->`;

let doc = existsSync(outPath) ? readFileSync(outPath, 'utf8') : '';
if (doc.includes('<!-- cluster:begin -->')) doc = doc.replace(/<!-- cluster:begin -->[\s\S]*<!-- cluster:end -->/, block);
else doc += `\n## Cluster mode (issue 16)\n\n${block}\n`;
writeFileSync(outPath, doc);
console.log(table);
