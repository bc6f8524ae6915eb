// The wildrydes sample data as `adp init --example wildrydes` writes it (10,000 rows by
// default): milliseconds to generate and write it through the local object store, median
// of several runs, and the rate at 1,000,000 rows. The unit test checks the shape that
// makes it fast (one write per file, one in flight); the time is measured here.
import fs from 'node:fs';
import path from 'node:path';
import { dist, median, spread, tempDir } from './lib.mjs';

export async function exampleData({ rows = 10_000, reps = 7, bigRows = Number(process.env.ADP_BENCH_EXAMPLE_ROWS ?? 1_000_000) } = {}) {
  const { writeWildrydesData } = await import(dist('examples/wildrydes.js'));
  const { LocalObjectStore } = await import(dist('adapters/localfs/local-object-store.js'));
  const { BucketPaths } = await import(dist('adapters/localfs/bucket-paths.js'));
  const none = { putObjectAttributes: async () => {}, getObjectAttributes: async () => undefined, deleteObjectAttributes: async () => {} };
  const write = async (n) => {
    const root = tempDir();
    const objects = new LocalObjectStore({ paths: new BucketPaths(path.join(root, 'buckets')), attributes: none });
    const t0 = performance.now();
    await writeWildrydesData({ objects, bucket: 'wildrydes-dev-staging', rows: n });
    const ms = performance.now() - t0;
    fs.rmSync(root, { recursive: true, force: true });
    return ms;
  };
  await write(rows); // warm-up
  const ms = [];
  for (let i = 0; i < reps; i++) ms.push(await write(rows));
  const bigMs = await write(bigRows);
  return { rows, writeMsMedian: median(ms), writeMsSpread: spread(ms), bigRows, bigRowsPerSecond: Math.round(bigRows / (bigMs / 1000)) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await exampleData()));
}
