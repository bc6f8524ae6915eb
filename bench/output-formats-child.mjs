// In one process: N generated rows written by a curation run (adp) and by DuckDB's own COPY
// of the same query with the same options (raw), in alternating pairs after one unmeasured
// warm-up pair. Modes: `parquet` (one zstd Parquet file) and `partitioned` (Parquet, zstd,
// PARTITION_BY a column of 100 values; adp adds _manifest.json with every file's SHA-256,
// _SUCCESS, and the folder rename). Prints {mode, rows, pairs, adpMs[], rawMs[], maxRssMb}.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { alternatingPairs, dist, homeWithCuration, tempDir } from './lib.mjs';

const [mode, rowsArg, pairsArg] = process.argv.slice(2);
const rows = Number(rowsArg);
const pairs = Number(pairsArg ?? 7);
const partitioned = mode === 'partitioned';
const sql = `select range as id, range * 2 as doubled, 'row-' || range::varchar as label, range % 100 as part, (range * 1.5)::double as amount from range(${rows})`;

const { openProject } = await import(dist('drivers/open-project.js'));
const { homeLayout } = await import(dist('drivers/common/home.js'));
const { createRun } = await import(dist('engine/create-run.js'));
const { executeRun } = await import(dist('engine/run-workflow.js'));
const home = await homeWithCuration('out', sql, {
  outputDetails: { outputBucket: 'bench-out', outputFolderPath: 'out/', filename: 'out', format: 'parquet', ...(partitioned ? { partitionBy: ['part'] } : {}) },
  athenaDetails: { deleteAthenaQueryFile: true },
});
const project = await openProject(homeLayout(home));
const deps = { ...(await project.deps()), queue: project.scheduling };
await deps.queries.explain('select 1', 'bench');

const dir = tempDir();
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
await connection.run('select 1');
const options = `FORMAT parquet, COMPRESSION zstd${partitioned ? ', PARTITION_BY (part)' : ''}`;

async function rawOnce() {
  const target = path.join(dir, partitioned ? 'out' : 'out.parquet');
  const t0 = performance.now();
  const result = await connection.run(`COPY (${sql}) TO '${target}' (${options})`);
  const rawRows = Number((await result.getRows())[0]?.[0]);
  const ms = performance.now() - t0;
  fs.rmSync(target, { recursive: true, force: true });
  if (rawRows !== rows) throw new Error(`raw COPY wrote ${rawRows} rows, expected ${rows}`);
  return ms;
}

async function adpOnce() {
  const t0 = performance.now();
  const run = await createRun(deps, { curationType: 'out', trigger: 'manual' });
  const record = await executeRun(deps, run.executionName);
  const ms = performance.now() - t0;
  if (record.status !== 'succeeded') throw new Error(`run ${record.status}: ${record.errorCause?.errorMessage}`);
  if (record.rowCount !== rows) throw new Error(`adp run wrote ${record.rowCount} rows, expected ${rows}`);
  if (partitioned && record.publishedOutput?.files !== 100) throw new Error(`expected 100 partition files, got ${record.publishedOutput?.files}`);
  fs.rmSync(new URL(record.curationOutputLocation), { recursive: true, force: true });
  return ms;
}

const [adpMs, rawMs] = await alternatingPairs(pairs, adpOnce, rawOnce);
connection.closeSync();
instance.closeSync();
await project.close();
fs.rmSync(dir, { recursive: true, force: true });
fs.rmSync(home, { recursive: true, force: true });
console.log(JSON.stringify({ mode, rows, pairs, adpMs, rawMs, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
