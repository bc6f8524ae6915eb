// Shared helpers for the benchmarks: temp homes, statistics, child processes.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');
/** The build the benchmarks load: `dist/` (npm run build), or ADP_BENCH_DIST to measure a build of one's own. */
const DIST = process.env.ADP_BENCH_DIST ? path.resolve(process.env.ADP_BENCH_DIST) : path.join(ROOT, 'dist');
export const dist = (rel) => path.join(DIST, rel);

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

/**
 * Runs `a` and `b` in `pairs` pairs after one warm-up pair, `b` first in every other pair so
 * neither side always runs on a warmer process; returns each side's results, warm-up left out.
 */
export async function alternatingPairs(pairs, a, b) {
  const as = [];
  const bs = [];
  for (let i = -1; i < pairs; i++) {
    globalThis.gc?.();
    let x;
    let y;
    if (i % 2 === 0) {
      y = await b();
      x = await a();
    } else {
      x = await a();
      y = await b();
    }
    if (i < 0) continue;
    as.push(x);
    bs.push(y);
  }
  return [as, bs];
}

/**
 * Per-pair ratios a/b with their median, min, max and spread ((max - min) / median), and whether
 * that spread is narrow enough (within twice the goal's margin from 1) for the median to judge `goal`.
 */
export function pairedRatios(aMs, bMs, goal) {
  const ratios = aMs.map((x, i) => x / bMs[i]);
  const ratioMedian = median(ratios);
  const ratioMin = Math.min(...ratios);
  const ratioMax = Math.max(...ratios);
  const ratioSpread = (ratioMax - ratioMin) / ratioMedian;
  return { ratios, ratioMedian, ratioMin, ratioMax, ratioSpread, spreadSupportsGoal: ratioSpread <= 2 * Math.abs(goal - 1) };
}

/** A home with one curation named `type` whose script is `sql`, registered through the CLI; `options.databaseUrl` makes it a postgres home. */
export async function homeWithCuration(type, sql, patch = {}, options = {}) {
  const { runCli } = await import(dist('cli/main.js'));
  const quiet = { out() {}, err() {}, readStdin: async () => '', interactive: false };
  const home = tempDir();
  const driver = options.databaseUrl ? ['--driver', 'postgres', '--database-url', options.databaseUrl] : [];
  if ((await runCli(['--home', home, 'init', ...driver], quiet)) !== 0) throw new Error('init failed');
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

/**
 * A QueryEngine that succeeds at once: like the embedded engine, it writes its
 * (one-row) result file itself, so publishing has a file to move.
 */
export class NoopQueryEngine {
  name = 'noop';
  #jobs = new Map();
  #next = 0;
  constructor(paths) {
    this.paths = paths;
  }
  async start(request) {
    const id = `noop-${process.pid}-${++this.#next}`; // unique over the processes sharing a home
    const key = `${request.output.folder}${id}.csv`;
    const file = this.paths.filePath(request.output.bucket, key);
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    await fs.promises.writeFile(file, 'one\n1\n');
    this.#jobs.set(id, { bucket: request.output.bucket, key, rowCount: 1, bytes: 6 });
    return id;
  }
  async status(id) {
    const result = this.#jobs.get(id);
    this.#jobs.delete(id);
    return result ? { state: 'SUCCEEDED', result } : { state: 'FAILED', error: new Error(`unknown ${id}`) };
  }
  async cancel() {}
  async explain() {
    return '';
  }
  async close() {}
}


/**
 * A database of its own on the local PostgreSQL for one benchmark (ADP_BENCH_DATABASE_URL
 * names the server; default the machine's on 127.0.0.1:5432), dropped by `drop()`.
 */
export async function benchDatabase(label) {
  const { default: pg } = await import('pg');
  const server = process.env.ADP_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `adp_bench_${label}_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    async drop() {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Engine deps over an open project's ports with a {@link NoopQueryEngine}: the scheduler and workers without DuckDB. */
export async function noopEngine(project, workerId) {
  const { BucketPaths } = await import(dist('adapters/localfs/bucket-paths.js'));
  return {
    state: project.state,
    queries: new NoopQueryEngine(new BucketPaths(project.home.buckets)),
    catalog: project.catalog,
    objects: project.objects,
    scripts: project.scripts,
    clock: project.clock,
    settings: { retry: project.config.retry, poll: project.config.poll },
    workerId,
  };
}

/**
 * Counts the statements this process sends to PostgreSQL (every `pg` client, the pool's
 * and the wake listener's), by their first words: where a run's round trips go.
 * pg_stat_statements would do it server-side, but needs a server restart to load.
 */
export async function countStatements() {
  const { default: pg } = await import('pg');
  const counts = new Map();
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (config, ...rest) {
    const text = typeof config === 'string' ? config : config?.text;
    if (typeof text === 'string') {
      const key = text.replace(/\s+/g, ' ').trim().slice(0, 72);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return query.call(this, config, ...rest);
  };
  return () => Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]));
}

/**
 * The example home (`init --example wildrydes`) with its curation and `count - 1` more
 * (`bench-curation-01`, …); returns the home, its state.db and the curation names.
 */
export async function exampleHomeWithCurations(count) {
  const { runCli } = await import(dist('cli/main.js'));
  const { SqliteStateStore } = await import(dist('adapters/sqlite/sqlite-state-store.js'));
  const quiet = { out() {}, err() {}, readStdin: async () => '', interactive: false };
  const home = tempDir();
  if ((await runCli(['--home', home, 'init', '--example', 'wildrydes', '--rows', '50'], quiet)) !== 0) throw new Error('init failed');
  const stateDb = path.join(home, 'state.db');
  const store = SqliteStateStore.open(stateDb);
  const sample = (await store.listCurations())[0].definition;
  const types = [sample.curationType];
  for (let i = 1; i < count; i++) {
    const curationType = `bench-curation-${String(i).padStart(2, '0')}`;
    types.push(curationType);
    await store.putCuration({ ...sample, curationType, cronExpression: 'rate(10 minutes)' });
  }
  await store.close();
  return { home, stateDb, types };
}

/** The API token the serving benches start `adp serve` with. */
export const BENCH_TOKEN = 'bench-token-0123456789abcdef';
/** Debian's chromium, if installed (the browser benches fall back or skip without it). */
export const CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => fs.existsSync(p));

/** Stops an `adp serve` from {@link startServe} (SIGTERM, waiting for its exit). */
export async function stopServe(child) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

/** `adp serve --port 0` on `home` as its own process, with BENCH_TOKEN; resolves with it and its URL once it listens. */
export function startServe(home) {
  const child = spawn(process.execPath, [dist('cli/bin.js'), '--home', home, 'serve', '--port', '0'], {
    env: { ...process.env, ADP_API_TOKEN: BENCH_TOKEN },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`adp serve exited ${code}: ${out}`)));
  });
}

/** Headless Chromium with a fresh profile and nothing that talks to the network on its own; `close()` also removes the profile. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  const userDataDir = tempDir('adp-bench-chromium-');
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
