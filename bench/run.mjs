// `npm run bench`: every benchmark in one run on this machine, each against a baseline
// measured in the same run. Prints a table and writes bench/results/latest.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, runChild, spread } from './lib.mjs';

const here = import.meta.dirname;
const quick = process.argv.includes('--quick');
const reps = quick ? 1 : 3;

/** name → [script, args, how to read the result] ; scripts that do not exist yet are skipped. */
const SUITE = [
  ['runOverhead', 'run-overhead.mjs', []],
  ['largeQueryCsv', 'large-query.mjs', ['csv']],
  ['largeQueryParquet', 'large-query.mjs', ['parquet']],
  ['schedulerLag', 'scheduler-lag.mjs', []],
  ['runsPerSecond', 'runs-per-second.mjs', []],
  ['historyApi', 'history-api.mjs', []],
  ['outboxDispatch', 'outbox-dispatch.mjs', []],
];

const raw = {};
for (const [name, script, args] of SUITE) {
  const file = path.join(here, script);
  if (!fs.existsSync(file)) continue;
  const n = name.startsWith('largeQuery') ? 1 : reps; // large-query repeats inside itself
  raw[name] = [];
  for (let i = 0; i < n; i++) {
    process.stderr.write(`bench ${name} ${i + 1}/${n} ...\n`);
    raw[name].push(await runChild(file, args));
  }
}

const pick = (name, field) => (raw[name] ? raw[name].map((r) => r[field]).filter((v) => typeof v === 'number') : []);
const summary = {};
const add = (key, values, unit, goal, better) => {
  if (values.length === 0) return;
  summary[key] = { value: median(values), spread: spread(values), unit, goal, ok: better === 'lower' ? median(values) <= goal : median(values) >= goal };
};
add('runOverheadMsP50', pick('runOverhead', 'runOverheadMsP50'), 'ms', 15, 'lower');
add('largeQueryRatioCsv', pick('largeQueryCsv', 'ratio'), 'x', 1.1, 'lower');
add('largeQueryRatioParquet', pick('largeQueryParquet', 'ratio'), 'x', 1.1, 'lower');
add('peakRssMbLargeQuery', [...pick('largeQueryCsv', 'peakRssMb'), ...pick('largeQueryParquet', 'peakRssMb')], 'MB', 500, 'lower');
add('schedulerLagP99Ms', pick('schedulerLag', 'lagP99Ms'), 'ms', 1000, 'lower');
add('schedulerCpuPercent', pick('schedulerLag', 'cpuPercent'), '%', 10, 'lower');
add('schedulerRssMb', pick('schedulerLag', 'rssMb'), 'MB', 200, 'lower');
add('runsPerSecond', pick('runsPerSecond', 'runsPerSecond'), '/s', 100, 'higher');
add('historyListP95Ms', pick('historyApi', 'historyListP95Ms'), 'ms', 20, 'lower');
add('dashboardFirstLoadMs', pick('historyApi', 'dashboardFirstLoadMs'), 'ms', 1000, 'lower');
add('idleRssMb', pick('historyApi', 'idleRssMb'), 'MB', 200, 'lower');
add('outboxRecordsPerSecond', pick('outboxDispatch', 'recordsPerSecond'), '/s', 2000, 'higher');

const flat = Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, v.value]));
const result = {
  at: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  repetitions: reps,
  ...flat,
  details: summary,
  raw,
};
fs.mkdirSync(path.join(here, 'results'), { recursive: true });
fs.writeFileSync(path.join(here, 'results', 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);

const rows = Object.entries(summary).map(([k, v]) => [
  k,
  `${v.value.toFixed(v.value < 10 ? 2 : 0)} ${v.unit}`,
  `${v.unit === 'x' || v.unit === '%' || v.unit === 'ms' || v.unit === 'MB' ? '<=' : '>='} ${v.goal} ${v.unit}`,
  `±${(v.spread * 100).toFixed(0)}%`,
  v.ok ? 'ok' : 'MISSED',
]);
const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...[['metric', 'median', 'goal', 'spread', ''], ...rows].map((r) => r[i].length)));
for (const r of [['metric', 'median', 'goal', 'spread', ''], ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
console.log(`\nwrote bench/results/latest.json`);
