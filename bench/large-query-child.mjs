// One measurement in a fresh process: `adp` (a curation run) or `raw` (DuckDB COPY of
// the same query) writing N generated rows in a format. Prints {ms, rows, maxRssMb}.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { dist, homeWithCuration, tempDir } from './lib.mjs';

const [mode, format, rowsArg] = process.argv.slice(2);
const rows = Number(rowsArg);
const sql = `select range as id, range * 2 as doubled, 'row-' || range::varchar as label, range % 97 as bucket, (range * 1.5)::double as amount from range(${rows})`;

let ms;
let count;
if (mode === 'adp') {
  const { EmbeddedProject } = await import(dist('drivers/embedded/open-project.js'));
  const { homeLayout } = await import(dist('drivers/embedded/home.js'));
  const { createRun } = await import(dist('engine/create-run.js'));
  const { executeRun } = await import(dist('engine/run-workflow.js'));
  const home = await homeWithCuration('large', sql, {
    outputDetails: { outputBucket: 'bench-out', outputFolderPath: 'out/', filename: 'large', format },
  });
  const project = await EmbeddedProject.open(homeLayout(home));
  const deps = await project.deps();
  const t0 = performance.now();
  const run = await createRun(deps, { curationType: 'large', trigger: 'manual' });
  const record = await executeRun(deps, run.executionName);
  ms = performance.now() - t0;
  if (record.status !== 'succeeded') throw new Error(`large run ${record.status}: ${record.errorCause?.errorMessage}`);
  count = record.rowCount;
  await project.close();
  fs.rmSync(home, { recursive: true, force: true });
} else {
  const dir = tempDir();
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run('select 1');
  const options = format === 'csv' ? 'FORMAT csv, HEADER' : format === 'parquet' ? 'FORMAT parquet' : 'FORMAT json';
  const t0 = performance.now();
  const result = await connection.run(`COPY (${sql}) TO '${path.join(dir, `out.${format}`)}' (${options})`);
  count = Number((await result.getRows())[0]?.[0]);
  ms = performance.now() - t0;
  connection.closeSync();
  instance.closeSync();
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({ mode, format, ms, rows: count, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
