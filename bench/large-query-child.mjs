// In one process: N generated rows written by a curation run (adp) and by DuckDB's own
// COPY of the same query (raw), in pairs, so both sides of each pair see the same machine
// state; which side goes first alternates from pair to pair, and one unmeasured warm-up
// pair comes first. Prints {format, rows, pairs, adpMs[], rawMs[], maxRssMb}: adpMs[i]
// and rawMs[i] are one pair.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { alternatingPairs, dist, homeWithCuration, tempDir } from './lib.mjs';

const [format, rowsArg, pairsArg] = process.argv.slice(2);
const rows = Number(rowsArg);
const pairs = Number(pairsArg ?? 7);
const sql = `select range as id, range * 2 as doubled, 'row-' || range::varchar as label, range % 97 as bucket, (range * 1.5)::double as amount from range(${rows})`;

const { openProject } = await import(dist('drivers/open-project.js'));
const { homeLayout } = await import(dist('drivers/common/home.js'));
const { createRun } = await import(dist('engine/create-run.js'));
const { executeRun } = await import(dist('engine/run-workflow.js'));
const home = await homeWithCuration('large', sql, {
  outputDetails: { outputBucket: 'bench-out', outputFolderPath: 'out/', filename: 'large', format },
  athenaDetails: { deleteAthenaQueryFile: true },
});
const project = await openProject(homeLayout(home));
const deps = await project.deps();
// Warm like the raw side: DuckDB loaded and the sandboxed instance open before any clock starts.
await deps.queries.explain('select 1', 'bench');

const dir = tempDir();
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
await connection.run('select 1');
const options = format === 'csv' ? 'FORMAT csv, HEADER' : format === 'parquet' ? 'FORMAT parquet' : 'FORMAT json';

async function rawOnce() {
  const t0 = performance.now();
  const result = await connection.run(`COPY (${sql}) TO '${path.join(dir, `out.${format}`)}' (${options})`);
  const rawRows = Number((await result.getRows())[0]?.[0]);
  const ms = performance.now() - t0;
  fs.rmSync(path.join(dir, `out.${format}`), { force: true });
  if (rawRows !== rows) throw new Error(`raw COPY wrote ${rawRows} rows, expected ${rows}`);
  return ms;
}

async function adpOnce() {
  const t0 = performance.now();
  const run = await createRun({ ...deps, queue: project.scheduling }, { curationType: 'large', trigger: 'manual' });
  const record = await executeRun(deps, run.executionName);
  const ms = performance.now() - t0;
  if (record.status !== 'succeeded') throw new Error(`large run ${record.status}: ${record.errorCause?.errorMessage}`);
  if (record.rowCount !== rows) throw new Error(`adp run wrote ${record.rowCount} rows, expected ${rows}`);
  fs.rmSync(new URL(record.curationOutputLocation), { force: true });
  return ms;
}

const [adpMs, rawMs] = await alternatingPairs(pairs, adpOnce, rawOnce);
connection.closeSync();
instance.closeSync();
await project.close();
fs.rmSync(dir, { recursive: true, force: true });
fs.rmSync(home, { recursive: true, force: true });
console.log(JSON.stringify({ format, rows, pairs, adpMs, rawMs, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
