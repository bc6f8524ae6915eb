// `npm run bench`: every benchmark in one run on this machine, each against a baseline
// measured in the same run. Prints a table and writes bench/results/latest.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, runChild, spread } from './lib.mjs';

const here = import.meta.dirname;
const quick = process.argv.includes('--quick');
// The postgres benchmarks need a server (ADP_BENCH_DATABASE_URL, default 127.0.0.1:5432); --no-postgres leaves them out.
const postgres = !process.argv.includes('--no-postgres');
const reps = quick ? 1 : 3;

/**
 * name → [script, args, repetitions, env]. Long benchmarks (minutes of wall time, or
 * repetitions inside themselves) run once so the whole suite stays under 10 minutes.
 */
const SUITE = [
  ['runOverhead', 'run-overhead.mjs', [], reps],
  // Alternates its pairs inside itself (ADP_BENCH_FULL=1 for more): run once.
  ['cliStartup', 'cli-startup.mjs', [], 1],
  ['largeQueryCsv', 'large-query.mjs', ['csv'], 1],
  ['largeQueryParquet', 'large-query.mjs', ['parquet'], 1],
  ['qualityChecks', 'quality-checks.mjs', [], 1],
  ['runsPerSecond', 'runs-per-second.mjs', [], reps],
  ['outboxDispatch', 'outbox-dispatch.mjs', [], reps],
  ['schedulerLag', 'scheduler-lag.mjs', [], 1],
  ['historyApi', 'history-api.mjs', [], 1],
  ['timelineLoad', 'timeline-load.mjs', [], 1, { ADP_BENCH_TIMELINE_ROWS: quick ? '200000' : '1000000', ADP_BENCH_PAIRS: quick ? '3' : '7' }],
  ['exampleData', 'example-data.mjs', [], 1],
  // Each of these alternates postgres and embedded (or measures its sizes) inside itself: run once.
  ...(postgres
    ? [
        ['postgresNoopRuns', 'shared-workers.mjs', ['claims'], 1, { ADP_BENCH_RUNS: quick ? '300' : '1000', ADP_BENCH_REPS: quick ? '1' : '3' }],
        ['postgresClaims', 'shared-workers.mjs', ['claim-release'], 1, { ADP_BENCH_REPS: quick ? '1' : '2', ADP_BENCH_SECONDS: '4' }],
        ['postgresRealRuns', 'runs-per-second.mjs', ['compare'], 1, { ADP_BENCH_RUNS: quick ? '100' : '300', ADP_BENCH_REPS: quick ? '1' : '3', ADP_BENCH_WORKERS: '3' }],
        ['postgresSchedulerLag', 'scheduler-lag.mjs', ['postgres'], 1, { ADP_BENCH_CURATIONS: '1000', ADP_BENCH_WORKERS: '3', ADP_BENCH_PHASE_MS: quick ? '15000' : '30000' }],
      ]
    : []),
  ...(quick ? [] : [100, 1000].map((n) => [`scaling${n}`, 'scheduler-lag.mjs', [], 1, { ADP_BENCH_CURATIONS: String(n), ADP_BENCH_PHASE_MS: '10000' }])),
];

const raw = {};
for (const [name, script, args, n, env] of SUITE) {
  const file = path.join(here, script);
  if (!fs.existsSync(file)) continue;
  raw[name] = [];
  for (let i = 0; i < n; i++) {
    process.stderr.write(`bench ${name} ${i + 1}/${n} ...\n`);
    raw[name].push(await runChild(file, args, env));
  }
}

const pick = (name, field) => (raw[name] ? raw[name].map((r) => r[field]).filter((v) => typeof v === 'number') : []);
const summary = {};
/** `reported` is a spread the benchmark measured over its own inner repetitions; `extra` goes into the details as is. */
const add = (key, values, unit, goal, better, reported, extra = {}) => {
  if (values.length === 0) return;
  const s = values.length > 1 ? spread(values) : reported;
  summary[key] = { value: median(values), spread: s, n: values.length, unit, goal, ok: better === 'lower' ? median(values) <= goal : median(values) >= goal, ...extra };
};
/** A large-query run is one child measuring many adp/raw pairs: its median, min and max per-pair ratio. */
const addLargeQuery = (key, name) => {
  const r = raw[name]?.[0];
  if (!r) return;
  add(key, [r.ratioMedian], 'x', r.ratioGoal, 'lower', r.ratioSpread, { n: r.pairs, min: r.ratioMin, max: r.ratioMax, spreadSupportsGoal: r.spreadSupportsGoal });
};
add('runOverheadMsP50', pick('runOverhead', 'runOverheadMsP50'), 'ms', 15, 'lower');
// `adp --help` / `node -e 0`, and a trivial `adp run --wait` / a bare CommonJS DuckDB COPY script, per alternating pair.
for (const [key, part] of [['cliHelpRatio', 'help'], ['cliRunWaitRatio', 'runWait']]) {
  const r = raw.cliStartup?.[0]?.[part];
  if (r) add(key, [r.ratioMedian], 'x', r.ratioGoal, 'lower', r.ratioSpread, { n: r.pairs, min: r.ratioMin, max: r.ratioMax, spreadSupportsGoal: r.spreadSupportsGoal });
}
addLargeQuery('largeQueryRatioCsv', 'largeQueryCsv');
addLargeQuery('largeQueryRatioParquet', 'largeQueryParquet');
// Quality checks (rowCount + notNull + unique on one column) / the same Parquet run without them.
addLargeQuery('qualityChecksRatio', 'qualityChecks');
add('peakRssMbLargeQuery', [...pick('largeQueryCsv', 'peakRssMb'), ...pick('largeQueryParquet', 'peakRssMb')], 'MB', 500, 'lower');
add('schedulerLagP99Ms', pick('schedulerLag', 'lagP99Ms'), 'ms', 1000, 'lower');
add('schedulerCpuPercent', pick('schedulerLag', 'cpuPercent'), '%', 10, 'lower');
add('schedulerRssMb', pick('schedulerLag', 'rssMb'), 'MB', 200, 'lower');
add('runsPerSecond', pick('runsPerSecond', 'runsPerSecond'), '/s', 100, 'higher');
// PostgreSQL, 3 worker processes on one database (bench/shared-workers.mjs, runs-per-second.mjs compare, scheduler-lag.mjs postgres).
const one = (name) => raw[name]?.[0];
const noop = one('postgresNoopRuns');
if (noop) add('postgresNoopRunsPerSecond', [noop.postgresRunsPerSecond], '/s', 1000, 'higher', noop.postgresSpread, { embedded: noop.embeddedRunsPerSecond, ratio: noop.ratio, statementsPerRun: noop.postgresStatementsPerRun?.total });
const claims = one('postgresClaims');
if (claims) add('postgresCappedClaimsPerSecond', [claims.capped.postgresClaimsPerSecond], '/s', 1000, 'higher', claims.capped.postgresSpread, { uncapped: claims.uncapped.postgresClaimsPerSecond });
const real = one('postgresRealRuns');
if (real) add('postgresRealRunsRatio', [real.ratio], 'ratio', 1, 'higher', real.ratioSpread, { postgres: real.postgresRunsPerSecond, embedded: real.embeddedRunsPerSecond });
const lag = one('postgresSchedulerLag');
if (lag) {
  add('postgresSchedulerLagP99Ms', [lag.queuedLag.p99Ms], 'ms', 1000, 'lower', undefined, { curations: lag.curations, workers: lag.workers, maxMs: lag.queuedLag.maxMs, startedP99Ms: lag.startedLag.p99Ms });
  add('postgresSchedulerRssMb', [Math.max(...lag.rssMbPerWorker)], 'MB', 300, 'lower');
}
add('historyListP95Ms', pick('historyApi', 'historyListP95Ms'), 'ms', 20, 'lower');
add('dashboardFirstLoadMs', pick('historyApi', 'dashboardFirstLoadMs'), 'ms', 1000, 'lower');
add('idleRssMb', pick('historyApi', 'idleRssMb'), 'MB', 200, 'lower');
add('exampleData10kRowsMs', pick('exampleData', 'writeMsMedian'), 'ms', 1000, 'lower', pick('exampleData', 'writeMsSpread')[0]);
add('outboxRecordsPerSecond', pick('outboxDispatch', 'recordsPerSecond'), '/s', 2000, 'higher');

// Scaling: the 10,000-curation run plus the shorter 100 and 1,000 ones, for the chart.
const scaling = ['scaling100', 'scaling1000', 'schedulerLag']
  .filter((k) => raw[k]?.length)
  .map((k) => raw[k][0])
  .sort((a, b) => a.curations - b.curations);
if (scaling.length > 1) {
  const { scalingChart } = await import('./chart.mjs');
  fs.mkdirSync(path.join(here, 'results'), { recursive: true });
  fs.writeFileSync(path.join(here, 'results', 'scaling.svg'), scalingChart(scaling));
}

const flat = Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, v.value]));
const result = {
  at: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  repetitions: reps,
  ...flat,
  details: summary,
  scaling: scaling.map((s) => ({ curations: s.curations, lagP50Ms: s.lagP50Ms, lagP99Ms: s.lagP99Ms, runsPerSecond: s.runsPerSecondWithNoopEngine, cpuPercent: s.cpuPercent })),
  raw,
};
fs.mkdirSync(path.join(here, 'results'), { recursive: true });
fs.writeFileSync(path.join(here, 'results', 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);

const rows = Object.entries(summary).map(([k, v]) => [
  k,
  `${v.value.toFixed(v.value < 10 ? 2 : 0)} ${v.unit}`,
  `${v.unit === 'x' || v.unit === '%' || v.unit === 'ms' || v.unit === 'MB' ? '<=' : '>='} ${v.goal} ${v.unit}`,
  v.min !== undefined ? `${v.min.toFixed(2)}–${v.max.toFixed(2)} (n=${v.n})` : v.spread === undefined ? `n=${v.n}` : `±${(v.spread * 100).toFixed(0)}%`,
  `${v.ok ? 'ok' : 'MISSED'}${v.spreadSupportsGoal === false ? ' (spread too wide to tell)' : ''}`,
]);
const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...[['metric', 'median', 'goal', 'spread or min–max', ''], ...rows].map((r) => r[i].length)));
for (const r of [['metric', 'median', 'goal', 'spread or min–max', ''], ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
console.log(`\nwrote bench/results/latest.json${scaling.length > 1 ? ' and bench/results/scaling.svg' : ''}`);
