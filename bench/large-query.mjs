// 5,000,000 generated rows: adp run time / raw DuckDB COPY time of the same query in the
// same process, over at least 7 alternating pairs, and the peak RSS of that process.
// The figure is the median of the per-pair ratios, with their min and max. When they
// spread wider than twice the margin between the goal and 1.0, the run cannot tell a
// pass from a miss, and it says so on stderr.
// ADP_BENCH_ROWS and ADP_BENCH_PAIRS override the defaults (e.g. on a slow machine).
import path from 'node:path';
import { median, pairedRatios, runChild } from './lib.mjs';

const child = path.join(import.meta.dirname, 'large-query-child.mjs');

/** The goal for adp time / raw DuckDB time (at most 10% slower). */
export const LARGE_QUERY_RATIO_GOAL = 1.1;
const MIN_PAIRS = 7;

export async function largeQuery({
  format = 'csv',
  rows = Number(process.env.ADP_BENCH_ROWS ?? 5_000_000),
  pairs = Number(process.env.ADP_BENCH_PAIRS ?? 9),
} = {}) {
  const r = await runChild(child, [format, String(rows), String(Math.max(MIN_PAIRS, pairs))]);
  const { ratios, ratioMedian, ratioMin, ratioMax, ratioSpread, spreadSupportsGoal: supported } = pairedRatios(r.adpMs, r.rawMs, LARGE_QUERY_RATIO_GOAL);
  if (!supported) {
    process.stderr.write(
      `warning: large-query ${format}: per-pair ratios run from ${ratioMin.toFixed(2)} to ${ratioMax.toFixed(2)} ` +
        `(spread ${(ratioSpread * 100).toFixed(0)}% of the median ${ratioMedian.toFixed(2)}), wider than twice the ` +
        `${Math.round(Math.abs(LARGE_QUERY_RATIO_GOAL - 1) * 100)}% margin of the ${LARGE_QUERY_RATIO_GOAL}x goal: ` +
        `this run neither supports nor refutes it; run on a quieter machine or raise ADP_BENCH_PAIRS\n`,
    );
  }
  return {
    format,
    rows,
    pairs: ratios.length,
    adpMsMedian: median(r.adpMs),
    rawMsMedian: median(r.rawMs),
    ratioMedian,
    ratioMin,
    ratioMax,
    ratioSpread,
    ratioGoal: LARGE_QUERY_RATIO_GOAL,
    spreadSupportsGoal: supported,
    ratios,
    peakRssMb: r.maxRssMb,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await largeQuery({ format: process.argv[2] ?? 'csv' })));
}
