// In one process: N generated rows written as Parquet by two curation runs of the same
// query, one without quality checks (baseline) and one with rowCount + notNull + unique on
// the `id` column, in pairs whose order alternates, after one unmeasured warm-up pair.
// Prints {rows, pairs, plainMs[], checkedMs[], checkMs[], maxRssMb}: plainMs[i] and checkedMs[i] are one pair;
// checkMs[i] is the time checkedMs[i] spent measuring the checks.
import fs from 'node:fs';
import path from 'node:path';
import { alternatingPairs, dist, homeWithCuration } from './lib.mjs';

const [rowsArg, pairsArg] = process.argv.slice(2);
const rows = Number(rowsArg);
const pairs = Number(pairsArg ?? 7);
const sql = `select range as id, range * 2 as doubled, 'row-' || range::varchar as label, range % 97 as bucket, (range * 1.5)::double as amount from range(${rows})`;
const CHECKS = [
  { type: 'rowCount', min: 1 },
  { type: 'notNull', columns: ['id'] },
  { type: 'unique', columns: ['id'] },
];

const { runCli } = await import(dist('cli/main.js'));
const { openProject } = await import(dist('drivers/open-project.js'));
const { homeLayout } = await import(dist('drivers/common/home.js'));
const { createRun } = await import(dist('engine/create-run.js'));
const { executeRun } = await import(dist('engine/run-workflow.js'));
const output = (name) => ({ outputDetails: { outputBucket: 'bench-out', outputFolderPath: `${name}/`, filename: name, format: 'parquet' }, athenaDetails: { deleteAthenaQueryFile: true } });
const home = await homeWithCuration('plain', sql, output('plain'));
const checkedDef = {
  curationType: 'checked',
  sqlFilePath: 'plain.sql',
  cronExpression: 'rate(1 minute)',
  glueDetails: { database: 'bench' },
  ...output('checked'),
  qualityChecks: CHECKS,
};
fs.writeFileSync(path.join(home, 'checked.json'), JSON.stringify(checkedDef));
const quiet = { out() {}, err() {}, readStdin: async () => '', interactive: false };
if ((await runCli(['--home', home, 'curation', 'put', path.join(home, 'checked.json')], quiet)) !== 0) throw new Error('curation put failed');
const project = await openProject(homeLayout(home));
// With the project's run queue, as the CLI and the API create runs.
const base = await project.deps();
// The checks' own time inside each checked run, so a loaded machine's noise between the two runs of a pair can be told apart.
const checkMs = [];
const queries = { name: base.queries.name };
for (const m of ['start', 'status', 'waitForEnd', 'cancel', 'explain', 'close']) queries[m] = base.queries[m].bind(base.queries);
queries.checkResult = async (...args) => {
  const t0 = performance.now();
  try {
    return await base.queries.checkResult(...args);
  } finally {
    checkMs.push(performance.now() - t0);
  }
};
const deps = { ...base, queries, queue: project.scheduling };
await deps.queries.explain('select 1', 'bench');

async function once(type) {
  const t0 = performance.now();
  const run = await createRun(deps, { curationType: type, trigger: 'manual' });
  const record = await executeRun(deps, run.executionName);
  const ms = performance.now() - t0;
  if (record.status !== 'succeeded') throw new Error(`${type} run ${record.status}: ${record.errorCause?.errorMessage}`);
  if (record.rowCount !== rows) throw new Error(`${type} run wrote ${record.rowCount} rows, expected ${rows}`);
  if (type === 'checked' && !(record.qualityChecks?.length === 3 && record.qualityChecks.every((c) => c.passed))) {
    throw new Error(`checks did not all pass: ${JSON.stringify(record.qualityChecks)}`);
  }
  fs.rmSync(new URL(record.curationOutputLocation), { force: true });
  return ms;
}

const [checkedMs, plainMs] = await alternatingPairs(pairs, () => once('checked'), () => once('plain'));
await project.close();
fs.rmSync(home, { recursive: true, force: true });
console.log(JSON.stringify({ rows, pairs, plainMs, checkedMs, checkMs: checkMs.slice(1), maxRssMb: process.resourceUsage().maxRSS / 1024 }));
