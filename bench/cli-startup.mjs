// How long `adp` takes as a process, against the floor of what it does: (a) `adp --help` against
// `node -e 0`; (b) a trivial `adp run <c> --wait` on an embedded home against a bare CommonJS script
// that opens DuckDB and runs `COPY (select 1) TO …csv` (bench/bare-duckdb-copy.cjs). Each pair runs
// both processes one after the other, alternating which goes first; prints the medians, the per-pair
// ratio with its spread, and the goal. ADP_BENCH_FULL=1 for more pairs.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { alternatingPairs, dist, homeWithCuration, median, pairedRatios, spread, tempDir } from './lib.mjs';

const full = process.env.ADP_BENCH_FULL === '1';
const PAIRS = Number(process.env.ADP_BENCH_PAIRS ?? (full ? 40 : 10));
const HELP_GOAL = 1.5;
const RUN_GOAL = 1.5;
const BIN = dist('cli/bin.js');
const BARE = path.join(import.meta.dirname, 'bare-duckdb-copy.cjs');

/** Wall time of one process from spawn to exit, in ms; a non-zero exit fails the bench. */
function timeProcess(args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) reject(new Error(`node ${args.join(' ')} exited ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
      else resolve(ms);
    });
  });
}

function report(name, aName, aMs, bName, bMs, goal) {
  const r = pairedRatios(aMs, bMs, goal);
  return {
    name,
    [`${aName}MsMedian`]: median(aMs),
    [`${aName}Spread`]: spread(aMs),
    [`${bName}MsMedian`]: median(bMs),
    [`${bName}Spread`]: spread(bMs),
    ratioMedian: r.ratioMedian,
    ratioMin: r.ratioMin,
    ratioMax: r.ratioMax,
    ratioSpread: r.ratioSpread,
    ratioGoal: goal,
    ok: r.ratioMedian <= goal,
    spreadSupportsGoal: r.spreadSupportsGoal,
    pairs: aMs.length,
  };
}

if (!fs.existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first`);

const [help, node] = await alternatingPairs(PAIRS, () => timeProcess([BIN, '--help']), () => timeProcess(['-e', '0']));
const helpReport = report('help', 'adpHelp', help, 'nodeE0', node, HELP_GOAL);
process.stderr.write(`adp --help ${helpReport.adpHelpMsMedian.toFixed(0)} ms, node -e 0 ${helpReport.nodeE0MsMedian.toFixed(0)} ms: ratio ${helpReport.ratioMedian.toFixed(2)} (${helpReport.ratioMin.toFixed(2)}–${helpReport.ratioMax.toFixed(2)}, goal ≤ ${HELP_GOAL})\n`);

const home = await homeWithCuration('trivial', 'select 1 as one');
const out = tempDir('adp-bench-bare-');
let n = 0;
const [run, bare] = await alternatingPairs(
  PAIRS,
  () => timeProcess([BIN, '--home', home, 'run', 'trivial', '--wait']),
  () => timeProcess([BARE, path.join(out, `one-${++n}.csv`)]),
);
const runReport = report('runWait', 'adpRun', run, 'bareDuckdb', bare, RUN_GOAL);
process.stderr.write(`adp run --wait ${runReport.adpRunMsMedian.toFixed(0)} ms, bare DuckDB COPY ${runReport.bareDuckdbMsMedian.toFixed(0)} ms: ratio ${runReport.ratioMedian.toFixed(2)} (${runReport.ratioMin.toFixed(2)}–${runReport.ratioMax.toFixed(2)}, goal ≤ ${RUN_GOAL})\n`);
fs.rmSync(home, { recursive: true, force: true });
fs.rmSync(out, { recursive: true, force: true });

console.log(JSON.stringify({ help: helpReport, runWait: runReport, helpRatio: helpReport.ratioMedian, runRatio: runReport.ratioMedian }));
