// 5,000,000 generated rows: adp run time / raw DuckDB COPY time, alternating fresh
// processes so neither side gets a warmer cache; peak RSS of the adp process.
import path from 'node:path';
import { median, runChild, spread } from './lib.mjs';

const child = path.join(import.meta.dirname, 'large-query-child.mjs');

export async function largeQuery({ format = 'csv', rows = 5_000_000, reps = 3 } = {}) {
  const adp = [];
  const raw = [];
  const rss = [];
  for (let i = 0; i < reps; i++) {
    const r = await runChild(child, ['raw', format, String(rows)]);
    const a = await runChild(child, ['adp', format, String(rows)]);
    if (a.rows !== rows || r.rows !== rows) throw new Error(`row counts differ: adp ${a.rows}, raw ${r.rows}, expected ${rows}`);
    raw.push(r.ms);
    adp.push(a.ms);
    rss.push(a.maxRssMb);
  }
  return {
    format,
    rows,
    adpMsMedian: median(adp),
    rawMsMedian: median(raw),
    ratio: median(adp) / median(raw),
    ratioSpread: Math.max(spread(adp), spread(raw)),
    peakRssMb: Math.max(...rss),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await largeQuery({ format: process.argv[2] ?? 'csv' })));
}
