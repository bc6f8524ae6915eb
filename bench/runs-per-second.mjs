// Trivial real runs (`select 1` through DuckDB, published, recorded) executed by a
// real `adp serve` process: N runs spread over 50 curations are queued, then the
// server is started and timed from the first run's start to the last run's end.
// Prints one JSON line.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dist, homeWithCuration } from './lib.mjs';

const RUNS = Number(process.env.ADP_BENCH_RUNS ?? 1000);
const CURATIONS = 50;
const MAX_CONCURRENT = Number(process.env.ADP_BENCH_MAX_CONCURRENT ?? 4);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function runsPerSecond() {
  const { SqliteStateStore } = await import(dist('adapters/sqlite/sqlite-state-store.js'));
  const { createRun } = await import(dist('engine/create-run.js'));
  const { systemClock } = await import(dist('adapters/system/system-clock.js'));

  const home = await homeWithCuration('trivial0', 'select 1 as one', { enabled: false });
  const configFile = path.join(home, 'adp.config.json');
  fs.writeFileSync(configFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(configFile, 'utf8')), maxConcurrentRuns: MAX_CONCURRENT }));
  const state = SqliteStateStore.open(path.join(home, 'state.db'));
  const seed = (await state.getCuration('trivial0')).definition;
  for (let i = 1; i < CURATIONS; i++) {
    await state.putCuration({ ...seed, curationType: `trivial${i}`, outputDetails: { ...seed.outputDetails, filename: `trivial${i}` } });
  }
  for (let i = 0; i < RUNS; i++) await createRun({ state, clock: systemClock }, { curationType: `trivial${i % CURATIONS}`, trigger: 'manual' });

  const child = spawn(process.execPath, [dist('cli/bin.js'), '--home', home, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  child.stdout.resume();
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(path.join(home, 'state.db'), { readonly: true });
  let count = 0;
  for (const deadline = Date.now() + 300_000; count < RUNS; ) {
    if (Date.now() > deadline) throw new Error(`only ${count} of ${RUNS} runs ended in 5 minutes`);
    await sleep(200);
    count = countRecords(db);
  }
  db.close();
  child.kill('SIGTERM');
  const code = await exited;
  const records = await allRecords(state);
  await state.close();
  fs.rmSync(home, { recursive: true, force: true });
  const failed = records.filter((r) => r.status !== 'succeeded').length;
  if (failed > 0) throw new Error(`${failed} runs did not succeed`);
  const first = Math.min(...records.map((r) => Date.parse(r.startedAt)));
  const last = Math.max(...records.map((r) => r.timestamp));
  return {
    runs: RUNS,
    maxConcurrentRuns: MAX_CONCURRENT,
    cpus: os.cpus().length,
    seconds: (last - first) / 1000,
    runsPerSecond: Math.round((RUNS / (last - first)) * 1000),
    serveExitCode: code,
  };
}

async function allRecords(state) {
  const out = [];
  let cursor;
  do {
    const page = await state.listHistory({ limit: 1000, cursor });
    out.push(...page.records);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** A cheap count, so polling does not compete with the server for the CPU. */
function countRecords(db) {
  return db.prepare('SELECT count(*) AS n FROM history').get().n;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runsPerSecond()));
}
