// Quality checks' cost: a Parquet curation run with rowCount + notNull + unique on one
// (integer) column / the same run without checks, over alternating pairs in one process
// (bench/quality-checks-child.mjs). The figure is the median per-pair ratio with its min,
// max and spread. CI-sized by default (1,000,000 rows); ADP_BENCH_QC_ROWS=5000000 is the
// issue's full size. ADP_BENCH_PAIRS sets the pairs (default 9, at least 7).
import path from 'node:path';
import { median, pairedRatios, runChild } from './lib.mjs';

const child = path.join(import.meta.dirname, 'quality-checks-child.mjs');

/** Checks may add at most 20% to the run. */
export const QUALITY_CHECKS_RATIO_GOAL = 1.2;

export async function qualityChecks({ rows = Number(process.env.ADP_BENCH_QC_ROWS ?? 1_000_000), pairs = Number(process.env.ADP_BENCH_PAIRS ?? 9) } = {}) {
  const r = await runChild(child, [String(rows), String(Math.max(7, pairs))]);
  const { ratios, ratioMedian, ratioMin, ratioMax, ratioSpread, spreadSupportsGoal: supported } = pairedRatios(r.checkedMs, r.plainMs, QUALITY_CHECKS_RATIO_GOAL);
  if (!supported) process.stderr.write(`warning: quality-checks: per-pair ratios spread ${(ratioSpread * 100).toFixed(0)}% of the median: this run neither supports nor refutes the goal\n`);
  return {
    rows,
    pairs: ratios.length,
    plainMsMedian: median(r.plainMs),
    checkedMsMedian: median(r.checkedMs),
    ratioMedian,
    ratioMin,
    ratioMax,
    ratioSpread,
    ratioGoal: QUALITY_CHECKS_RATIO_GOAL,
    spreadSupportsGoal: supported,
    ratios,
    // Within each checked run: run time / (run time - time in the checks), immune to noise between a pair's two runs.
    checkMsMedian: median(r.checkMs),
    ownRatioMedian: median(r.checkedMs.map((c, i) => c / (c - r.checkMs[i]))),
    ownRatioMax: Math.max(...r.checkedMs.map((c, i) => c / (c - r.checkMs[i]))),
    peakRssMb: r.maxRssMb,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await qualityChecks()));
}
