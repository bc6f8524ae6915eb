// Trivial curation (`select 1`) end to end, warm, in-process, against DuckDB's own
// `COPY (select 1) TO …` in the same process. Prints p50 of both and the overhead.
import path from 'node:path';
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { dist, homeWithCuration, median, percentile, tempDir } from './lib.mjs';

export async function runOverhead({ runs = 200, warmup = 20 } = {}) {
  const { openProject } = await import(dist('drivers/open-project.js'));
  const { homeLayout } = await import(dist('drivers/common/home.js'));
  const { createRun } = await import(dist('engine/create-run.js'));
  const { executeRun } = await import(dist('engine/run-workflow.js'));

  const home = await homeWithCuration('trivial', 'select 1 as one');
  const project = await openProject(homeLayout(home));
  const deps = await project.deps();
  const adp = [];
  for (let i = 0; i < warmup + runs; i++) {
    const t0 = performance.now();
    const run = await createRun({ ...deps, queue: project.scheduling }, { curationType: 'trivial', trigger: 'manual' });
    const record = await executeRun(deps, run.executionName);
    const ms = performance.now() - t0;
    if (record.status !== 'succeeded') throw new Error(`trivial run ${record.status}: ${record.errorCause?.errorMessage}`);
    if (i >= warmup) adp.push(ms);
  }
  await project.close();

  const dir = tempDir();
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const raw = [];
  for (let i = 0; i < warmup + runs; i++) {
    const t0 = performance.now();
    await connection.run(`COPY (select 1 as one) TO '${path.join(dir, `r${i}.csv`)}' (FORMAT csv, HEADER)`);
    const ms = performance.now() - t0;
    if (i >= warmup) raw.push(ms);
  }
  connection.closeSync();
  instance.closeSync();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(home, { recursive: true, force: true });

  return {
    runMsP50: median(adp),
    runMsP95: percentile(adp, 95),
    rawCopyMsP50: median(raw),
    runOverheadMsP50: median(adp) - median(raw),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runOverhead()));
}
