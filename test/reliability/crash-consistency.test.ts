import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEPS } from '../../src/domain/run.js';
import { adp, cleanup, exampleHome, tempDir } from '../helpers/cli.js';

const BIN = path.resolve(import.meta.dirname, '../../dist/cli/bin.js');
const TRIALS = Number(process.env.ADP_CRASH_TRIALS ?? 50);
// One curation per trial: runs of one curation wait in line behind an older active one (a killed run stays
// active until \`adp serve\` recovers it), so trials of one curation would queue behind the first kill. They
// share the output folder and filename, so runs started in the same second still clash on names.
const typeOf = (trial: number) => `crash-me-${trial}`;

/** Where a trial's kill lands: once the run has persisted step `STEPS[step]` (or a later one), `delayMs` later. */
interface KillPoint {
  readonly step: number;
  readonly delayMs: number;
}

/** What a trial saw: the run, the persisted step when the kill was sent (none if the process ended first). */
interface Trial {
  readonly executionName: string;
  readonly killedAt?: string;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `adp run --wait` and steers the kill by what the run reports, not by the clock: after the
 * process printed `started <name>` and state.db shows the run at `point.step` or later, it waits
 * `point.delayMs` and sends SIGKILL. Resolves once the process is gone.
 */
function runAndKill(home: string, state: Database.Database, point: KillPoint, type: string): Promise<Trial> {
  const stepOf = state.prepare<[string], { step: string; status: string }>('SELECT step, status FROM runs WHERE execution_name = ?');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--home', home, 'run', type, '--wait', '--json'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    let stderr = '';
    let steering = false;
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const name = / started (\S+)/.exec(stderr)?.[1];
      if (name === undefined || steering) return;
      steering = true;
      void (async () => {
        let gone = false;
        void exited.then(() => (gone = true));
        for (;;) {
          const row = stepOf.get(name);
          if (gone) return resolve({ executionName: name });
          if (row && (STEPS.indexOf(row.step as (typeof STEPS)[number]) >= point.step || !['queued', 'running'].includes(row.status))) {
            await pause(point.delayMs);
            if (gone) return resolve({ executionName: name });
            child.kill('SIGKILL');
            await exited;
            return resolve({ executionName: name, killedAt: row.step });
          }
          await pause(2);
        }
      })().catch(reject);
    });
    void exited.then(() => {
      if (!steering) reject(new Error(`adp run ended before it started a run: ${stderr}`));
    });
  });
}

/** Runs `adp serve` until no run is active, then stops it with SIGTERM. */
async function recoverWithServe(home: string): Promise<void> {
  const child = spawn(process.execPath, [BIN, '--home', home, 'serve', '--port', '0'], { stdio: 'ignore', env: { ...process.env, ADP_API_TOKEN: 'crash-test-token' } });
  const db = new Database(path.join(home, 'state.db'), { readonly: true, fileMustExist: true });
  try {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const open = db.prepare("SELECT count(*) AS n FROM runs r WHERE NOT EXISTS (SELECT 1 FROM history h WHERE h.execution_name = r.execution_name)").get() as { n: number };
      if (open.n === 0) break;
      if (Date.now() > deadline) throw new Error(`${open.n} run(s) still without a history record after recovery`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    db.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
  }
}

describe(`crash consistency: ${TRIALS} runs killed with SIGKILL at sampled steps, then recovered by adp serve`, () => {
  let home: string;
  let dir: string;
  beforeAll(async () => {
    home = await exampleHome(3000);
    dir = tempDir();
    const config = JSON.parse(fs.readFileSync(path.join(home, 'adp.config.json'), 'utf8'));
    fs.writeFileSync(path.join(home, 'adp.config.json'), JSON.stringify({ ...config, leaseSeconds: 2, scheduler: { pollMs: 100 } }));
    const def = JSON.parse((await adp(['--home', home, 'curation', 'show', 'wildrydes-rydebooking', '--json'])).stdout).definition;
    // The sample, unscheduled, deleting its raw result, with its filename + one-second stamp: five runs started
    // together mostly share a second, so kills land in the middle of name clashes too (-2, -3, … must stay one per run).
    const outputDetails = def.outputDetails;
    for (let trial = 0; trial < TRIALS; trial++) {
      const file = path.join(dir, `crash-${trial}.json`);
      fs.writeFileSync(
        file,
        JSON.stringify({ ...def, curationType: typeOf(trial), enabled: false, outputDetails: { ...outputDetails, outputFolderPath: 'crash/' }, athenaDetails: { ...def.athenaDetails, deleteAthenaQueryFile: true } }),
      );
      expect((await adp(['--home', home, 'curation', 'put', file])).code).toBe(0);
    }
  });
  afterAll(() => {
    cleanup(home);
    cleanup(dir);
  });

  it('exactly one terminal record per run, no partial or duplicate output, no staging file left', async () => {
    // Each trial's kill point: a step of the workflow and a small delay after the run persisted it.
    const points = fc.sample(fc.record({ step: fc.integer({ min: 0, max: STEPS.length - 1 }), delayMs: fc.integer({ min: 0, max: 40 }) }), {
      numRuns: TRIALS,
      seed: 20261125,
    });
    const state = new Database(path.join(home, 'state.db'), { readonly: true, fileMustExist: true });
    const trials: Trial[] = [];
    try {
      for (let i = 0; i < points.length; i += 5) {
        trials.push(...(await Promise.all(points.slice(i, i + 5).map((p, j) => runAndKill(home, state, p, typeOf(i + j))))));
      }
    } finally {
      state.close();
    }
    const cut = new Database(path.join(home, 'state.db'), { readonly: true });
    const openBefore = (cut.prepare('SELECT count(*) AS n FROM runs r WHERE NOT EXISTS (SELECT 1 FROM history h WHERE h.execution_name = r.execution_name)').get() as { n: number }).n;
    cut.close();
    const killsByStep: Record<string, number> = {};
    for (const t of trials) killsByStep[t.killedAt ?? 'none (ended first)'] = (killsByStep[t.killedAt ?? 'none (ended first)'] ?? 0) + 1;
    console.info(`crash trials: kills by persisted step ${JSON.stringify(killsByStep)}; ${openBefore} runs left without a record`);
    // Recovery must be exercised, at several steps: kills landed mid-run, across the workflow.
    expect(openBefore).toBeGreaterThan(TRIALS / 10);
    expect(new Set(trials.flatMap((t) => (t.killedAt ? [t.killedAt] : []))).size).toBeGreaterThanOrEqual(4);
    await recoverWithServe(home);

    const db = new Database(path.join(home, 'state.db'), { readonly: true });
    const runs = db.prepare("SELECT execution_name FROM runs WHERE curation_type LIKE 'crash-me-%'").all() as { execution_name: string }[];
    const history = db.prepare("SELECT execution_name, status, record FROM history WHERE curation_type LIKE 'crash-me-%'").all() as { execution_name: string; status: string; record: string }[];
    db.close();

    expect(runs.map((r) => r.execution_name).sort()).toEqual(trials.map((t) => t.executionName).sort());
    const perRun = new Map<string, number>();
    for (const h of history) perRun.set(h.execution_name, (perRun.get(h.execution_name) ?? 0) + 1);
    for (const r of runs) expect(perRun.get(r.execution_name), r.execution_name).toBe(1);
    expect(history).toHaveLength(runs.length);

    const outputs = new Set<string>();
    for (const h of history) {
      const record = JSON.parse(h.record);
      if (h.status !== 'succeeded') {
        expect(record.errorCause?.errorMessage, h.execution_name).toBeTruthy();
        continue;
      }
      const file = fileURLToPath(record.curationOutputLocation);
      expect(outputs.has(file), `two runs published ${file}`).toBe(false);
      outputs.add(file);
      const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
      expect(lines.length - 1, `rows in ${file}`).toBe(record.rowCount);
    }
    expect(outputs.size).toBeGreaterThan(0);
    // Name clashes happened (and each ended in one file per run, checked above).
    expect([...outputs].filter((f) => /-\d+\.csv$/.test(f)).length).toBeGreaterThan(0);
    // Nothing published that no record owns.
    const published = fs.readdirSync(path.join(home, 'buckets', 'wildrydes-dev-curated', 'crash')).map((f) => path.join(home, 'buckets', 'wildrydes-dev-curated', 'crash', f));
    expect(published.sort()).toEqual([...outputs].sort());

    const buckets = fs.readdirSync(path.join(home, 'buckets'), { recursive: true }).map(String);
    expect(buckets.filter((f) => f.includes('.staging'))).toEqual([]);
    // Partial results of killed processes are gone too (each process stages in a folder of its own).
    const stagingRoot = path.join(home, '.adp', 'staging');
    const leftovers = fs
      .readdirSync(stagingRoot, { recursive: true })
      .map(String)
      .filter((f) => !f.includes('.duckdb-tmp') && fs.statSync(path.join(stagingRoot, f)).isFile());
    expect(leftovers).toEqual([]);
  }, 300_000);
});
