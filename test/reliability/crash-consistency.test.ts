import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adp, cleanup, exampleHome, tempDir } from '../helpers/cli.js';

const BIN = path.resolve(import.meta.dirname, '../../dist/cli/bin.js');
const TRIALS = Number(process.env.ADP_CRASH_TRIALS ?? 50);
const TYPE = 'crash-me';

/** Starts `adp run --wait` and kills it with SIGKILL after `delayMs`; resolves when it is gone. */
function runAndKill(home: string, delayMs: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, '--home', home, 'run', TYPE, '--wait', '--json'], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
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

describe(`crash consistency: ${TRIALS} runs killed with SIGKILL at random points, then recovered by adp serve`, () => {
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
    const file = path.join(dir, 'crash.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ ...def, curationType: TYPE, enabled: false, outputDetails: { ...outputDetails, outputFolderPath: 'crash/' }, athenaDetails: { ...def.athenaDetails, deleteAthenaQueryFile: true } }),
    );
    expect((await adp(['--home', home, 'curation', 'put', file])).code).toBe(0);
  });
  afterAll(() => {
    cleanup(home);
    cleanup(dir);
  });

  it('exactly one terminal record per run, no partial or duplicate output, no staging file left', async () => {
    const delays = fc.sample(fc.integer({ min: 600, max: 3000 }), { numRuns: TRIALS, seed: 20261125 });
    for (let i = 0; i < delays.length; i += 5) {
      await Promise.all(delays.slice(i, i + 5).map((d) => runAndKill(home, d)));
    }
    const cut = new Database(path.join(home, 'state.db'), { readonly: true });
    const openBefore = (cut.prepare('SELECT count(*) AS n FROM runs r WHERE NOT EXISTS (SELECT 1 FROM history h WHERE h.execution_name = r.execution_name)').get() as { n: number }).n;
    cut.close();
    // Enough kills must land mid-run for recovery to be exercised at all.
    expect(openBefore).toBeGreaterThan(TRIALS / 10);
    await recoverWithServe(home);

    const db = new Database(path.join(home, 'state.db'), { readonly: true });
    const runs = db.prepare('SELECT execution_name FROM runs WHERE curation_type = ?').all(TYPE) as { execution_name: string }[];
    const history = db.prepare('SELECT execution_name, status, record FROM history WHERE curation_type = ?').all(TYPE) as { execution_name: string; status: string; record: string }[];
    db.close();

    expect(runs.length).toBeGreaterThan(TRIALS / 2);
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
