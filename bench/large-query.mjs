// 5,000,000 generated rows: adp run time / raw DuckDB COPY time of the same query in the
// same process (alternating repetitions), and the peak RSS of that process.
import path from 'node:path';
import { median, runChild, spread } from './lib.mjs';

const child = path.join(import.meta.dirname, 'large-query-child.mjs');

export async function largeQuery({ format = 'csv', rows = 5_000_000, reps = 5 } = {}) {
  const r = await runChild(child, [format, String(rows), String(reps)]);
  return {
    format,
    rows,
    adpMsMedian: median(r.adpMs),
    rawMsMedian: median(r.rawMs),
    ratio: median(r.adpMs) / median(r.rawMs),
    ratioSpread: Math.max(spread(r.adpMs), spread(r.rawMs)),
    peakRssMb: r.maxRssMb,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await largeQuery({ format: process.argv[2] ?? 'csv' })));
}
