// Shared helpers for the benchmarks: temp homes, statistics, child processes.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const dist = (rel) => path.join(ROOT, 'dist', rel);

/**
 * Benchmarks write to memory (/dev/shm) where there is one, so both sides of a ratio
 * measure the engine rather than this machine's disk, whose speed varies run to run.
 */
const SCRATCH = process.env.ADP_BENCH_TMP ?? (fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());

export function tempDir(prefix = 'adp-bench-') {
  return fs.mkdtempSync(path.join(SCRATCH, prefix));
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

export const median = (values) => percentile(values, 50);

/** Spread as (max - min) / median, for reporting how stable a measurement was. */
export function spread(values) {
  const m = median(values);
  return m === 0 ? 0 : (Math.max(...values) - Math.min(...values)) / m;
}

/** A home with one curation named `type` whose script is `sql`, registered through the CLI. */
export async function homeWithCuration(type, sql, patch = {}) {
  const { runCli } = await import(dist('cli/main.js'));
  const quiet = { out() {}, err() {}, readStdin: async () => '', interactive: false };
  const home = tempDir();
  if ((await runCli(['--home', home, 'init'], quiet)) !== 0) throw new Error('init failed');
  const scripts = path.join(home, 'scripts');
  fs.writeFileSync(path.join(scripts, `${type}.sql`), sql);
  const git = (...args) => execFileSync('git', ['-C', scripts, '-c', 'user.name=bench', '-c', 'user.email=bench@localhost', ...args]);
  git('add', '.');
  git('commit', '-qm', 'bench script');
  fs.mkdirSync(path.join(home, 'buckets', 'bench-out'), { recursive: true });
  const def = {
    curationType: type,
    sqlFilePath: `${type}.sql`,
    cronExpression: 'rate(1 minute)',
    glueDetails: { database: 'bench' },
    outputDetails: { outputBucket: 'bench-out', outputFolderPath: 'out/', filename: type },
    ...patch,
  };
  const defFile = path.join(home, 'def.json');
  fs.writeFileSync(defFile, JSON.stringify(def));
  // The query context database must exist in the catalog: one tiny table.
  fs.mkdirSync(path.join(home, 'buckets', 'bench-data', 't'), { recursive: true });
  fs.writeFileSync(path.join(home, 'buckets', 'bench-data', 't', 'x.csv'), 'a\n1\n');
  if ((await runCli(['--home', home, 'catalog', 'add', 'bench.t', '--location', 'bench-data/t', '--format', 'csv'], quiet)) !== 0) throw new Error('catalog add failed');
  if ((await runCli(['--home', home, 'curation', 'put', defFile], quiet)) !== 0) throw new Error('curation put failed');
  return home;
}

/** Runs `node script args` and parses the last line of its stdout as JSON. */
export function runChild(script, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${path.basename(script)} ${args.join(' ')} exited ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop()));
    });
  });
}
