import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adp, cleanup, tempDir } from '../helpers/cli.js';
import { ADP_BIN, runAdpProcess } from '../helpers/serve-process.js';

/** The files `file` imports statically, and theirs: what node evaluates before the entry's first line runs. */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = fs.readFileSync(file, 'utf8');
  // Static imports name their chunk after `from` or a bare `import`; dynamic ones are `import("…")`.
  for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*"(\.\.?\/[^"]+)"/g)) staticClosure(path.resolve(path.dirname(file), m[1]!), seen);
  return seen;
}

/** The packages the CLI loads from dist/cli/vendor/ (see VENDORED in scripts/build-cli.mjs). */
const VENDORED = ['better-sqlite3.cjs', 'commander.cjs', 'croner.cjs', 'duckdb-node-api.cjs', 'zod.cjs'];

describe('the bundled CLI (dist/cli/bin.js)', () => {
  let home: string;
  beforeAll(async () => {
    if (!fs.existsSync(ADP_BIN)) throw new Error(`${ADP_BIN} is missing: run \`npm run build\` first`);
    home = tempDir();
    expect((await adp(['--home', home, 'init'])).code).toBe(0);
    const scripts = path.join(home, 'scripts');
    fs.writeFileSync(path.join(scripts, 'one.sql'), 'select 1 as one\n');
    execFileSync('git', ['-C', scripts, '-c', 'user.name=t', '-c', 'user.email=t@localhost', 'add', '.']);
    execFileSync('git', ['-C', scripts, '-c', 'user.name=t', '-c', 'user.email=t@localhost', 'commit', '-qm', 'one']);
    fs.mkdirSync(path.join(home, 'buckets', 'data', 't'), { recursive: true });
    fs.writeFileSync(path.join(home, 'buckets', 'data', 't', 'x.csv'), 'a\n1\n');
    expect((await adp(['--home', home, 'catalog', 'add', 'lake.t', '--location', 'data/t', '--format', 'csv'])).code).toBe(0);
    const def = path.join(home, 'one.json');
    fs.writeFileSync(
      def,
      JSON.stringify({
        curationType: 'one',
        sqlFilePath: 'one.sql',
        cronExpression: 'rate(1 hour)',
        glueDetails: { database: 'lake' },
        outputDetails: { outputBucket: 'out', outputFolderPath: 'one/', filename: 'one' },
      }),
    );
    fs.mkdirSync(path.join(home, 'buckets', 'out'), { recursive: true });
    const put = await adp(['--home', home, 'curation', 'put', def]);
    expect(put.code, put.stderr).toBe(0);
  });
  afterAll(() => cleanup(home));

  it('is one bundle whose entry imports no native binding, SDK or server before a command asks for them', () => {
    const files = [...staticClosure(ADP_BIN)];
    expect(files.length).toBeGreaterThan(1);
    const text = files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    expect(text).not.toMatch(/(?:from|require\()\s*"(@duckdb\/node-(?:api|bindings)|better-sqlite3|pg|@aws-sdk\/[^"]+|hono|isomorphic-git|nodemailer)"/);
    // Nor zod (its locales alone are hundreds of KiB): schemas load with the commands that check input.
    expect(text).not.toContain('ZodError');
    // The on-demand chunks sit beside it.
    expect(fs.readdirSync(path.join(path.dirname(ADP_BIN), 'chunks')).some((f) => f.endsWith('.js'))).toBe(true);
  });

  it('prints --help without loading a native binding', async () => {
    const r = await runAdpProcess(['--help'], { env: { ...process.env, NODE_DEBUG: 'module' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: adp \[options\] \[command\]/);
    for (const command of ['init', 'curation', 'run', 'history', 'serve', 'backfill']) expect(r.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    expect(r.stderr).not.toMatch(/better-sqlite3|@duckdb|[\\/]pg[\\/]/);
  });

  it('runs a curation to its end with run --wait on an embedded home', async () => {
    const r = await runAdpProcess(['--home', home, 'run', 'one', '--wait', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout) as { status: string; curationType: string; outputs?: unknown };
    expect(record.status).toBe('succeeded');
    expect(record.curationType).toBe('one');
    expect(fs.readFileSync(path.join(home, 'buckets', 'out', 'one', 'one.csv'), 'utf8').trim().split('\n')).toEqual(['one', '1']);
    const history = await runAdpProcess(['--home', home, 'history', 'one', '--json']);
    expect(history.code, history.stderr).toBe(0);
    expect(history.stdout).toContain('succeeded');
  });

  it('loads its third-party packages (commander, zod, croner, better-sqlite3, DuckDB) from vendored files with code caches V8 accepts', () => {
    const dir = path.join(path.dirname(ADP_BIN), 'vendor');
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.cjs')).sort()).toEqual(VENDORED);
    for (const name of VENDORED) {
      const vendor = path.join(dir, name);
      expect(fs.statSync(`${vendor}.v8cache`).size).toBeGreaterThan(10_000);
      // A plain node, as `adp` runs: V8 refuses a cache made by another binary or with other flags.
      const verdict = execFileSync(process.execPath, [
        '-e',
        `const fs = require('fs'), vm = require('vm'), M = require('module'); const f = process.argv[1];
         const s = new vm.Script(M.wrap(fs.readFileSync(f, 'utf8')), { filename: f, cachedData: fs.readFileSync(f + '.v8cache') });
         process.stdout.write(s.cachedDataRejected ? 'rejected' : 'accepted');`,
        vendor,
      ], { encoding: 'utf8' });
      expect(verdict, name).toBe('accepted');
    }
    // The entry and its chunks import them through the loader, never the packages themselves.
    const cli = path.dirname(ADP_BIN);
    const files = [ADP_BIN, ...fs.readdirSync(path.join(cli, 'chunks')).filter((f) => f.endsWith('.js')).map((f) => path.join(cli, 'chunks', f))];
    const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
    for (const name of VENDORED) expect(texts.some((t) => t.includes(`/vendor/${name}`)), name).toBe(true);
    expect(texts.some((t) => /(?:require\(|from\s*)"(?:@duckdb\/node-api|zod|better-sqlite3|commander|croner)"/.test(t))).toBe(false);
  });

  it('still runs, only slower, when the code cache is missing', async () => {
    const caches = VENDORED.map((name) => path.join(path.dirname(ADP_BIN), 'vendor', `${name}.v8cache`));
    for (const cache of caches) fs.renameSync(cache, `${cache}.kept`);
    try {
      const r = await runAdpProcess(['--home', home, 'run', 'one', '--wait', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { status: string }).status).toBe('succeeded');
    } finally {
      for (const cache of caches) fs.renameSync(`${cache}.kept`, cache);
    }
  });

  it('maps a usage error to exit 2 without opening the project', async () => {
    const r = await runAdpProcess(['--home', home, 'run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing required argument/);
  });
});
