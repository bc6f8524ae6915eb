// Output writing against raw DuckDB in the same process: a 5,000,000-row Parquet file
// (goal adp/raw <= 1.05) and a ~100-partition Parquet folder (goal <= 1.10: adp also hashes
// every file into _manifest.json, writes _SUCCESS and renames the folder into place).
// Per-pair ratios over at least 7 alternating pairs; the median with min, max and spread,
// and a warning when the spread is too wide to tell a pass from a miss.
// CI-sized by default (500,000 rows); ADP_BENCH_ROWS=5000000 for the full size;
// ADP_BENCH_PAIRS for more pairs. `node bench/output-formats.mjs [parquet|partitioned]`.
import path from 'node:path';
import { median, pairedRatios, runChild } from './lib.mjs';

const child = path.join(import.meta.dirname, 'output-formats-child.mjs');
export const OUTPUT_RATIO_GOALS = { parquet: 1.05, partitioned: 1.1 };
const MIN_PAIRS = 7;

export async function outputFormats({
  mode = 'parquet',
  rows = Number(process.env.ADP_BENCH_ROWS ?? 500_000),
  pairs = Number(process.env.ADP_BENCH_PAIRS ?? 9),
} = {}) {
  const r = await runChild(child, [mode, String(rows), String(Math.max(MIN_PAIRS, pairs))]);
  const goal = OUTPUT_RATIO_GOALS[mode];
  const { ratios, ratioMedian, ratioMin, ratioMax, ratioSpread, spreadSupportsGoal: supported } = pairedRatios(r.adpMs, r.rawMs, goal);
  if (!supported) {
    process.stderr.write(
      `warning: output ${mode}: per-pair ratios run from ${ratioMin.toFixed(3)} to ${ratioMax.toFixed(3)} (spread ${(ratioSpread * 100).toFixed(0)}%), ` +
        `wider than twice the ${Math.round((goal - 1) * 100)}% margin of the ${goal}x goal: the median alone decides nothing; raise ADP_BENCH_PAIRS\n`,
    );
  }
  return {
    mode,
    rows,
    pairs: ratios.length,
    adpMsMedian: median(r.adpMs),
    rawMsMedian: median(r.rawMs),
    ratioMedian,
    ratioMin,
    ratioMax,
    ratioSpread,
    ratioGoal: goal,
    meetsGoal: ratioMedian <= goal,
    spreadSupportsGoal: supported,
    ratios,
    peakRssMb: r.maxRssMb,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const mode of process.argv[2] ? [process.argv[2]] : ['parquet', 'partitioned']) console.log(JSON.stringify(await outputFormats({ mode })));
}
