import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/adapters/webhook/signature.js';
import { adp, cleanup, exampleHome, tempDir } from '../helpers/cli.js';
import { CaptureServer } from '../helpers/http-capture.js';
import { patchConfig, startServeProcess } from '../helpers/serve-process.js';
import { withEnv } from '../helpers/env.js';

// Secrets given as {"env"} / {"file"} references: read at delivery, never
// written to the state, checked by `adp config check` and at `adp serve` start.
const SECRET = 'hook-secret-7f3a9c';
const ENV = 'ADP_TEST_HOOK_SECRET';
const SERVER = process.env.ADP_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Every row of every table of a SQLite file, as one text. */
function sqliteText(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'").all();
    return JSON.stringify(tables.map((t) => db.prepare(`SELECT * FROM "${t.name}"`).all()));
  } finally {
    db.close();
  }
}

describe('secret references (protocol-level webhook capture server on 127.0.0.1)', () => {
  let home: string;
  let hooks: CaptureServer;
  let hookUrl: string;

  beforeAll(async () => {
    home = await exampleHome(20);
    hooks = await CaptureServer.start();
    hookUrl = `${hooks.url}/private-hook-path-91b2`;
  });
  afterAll(async () => {
    await hooks.close();
    cleanup(home);
  });

  it('a webhook secret given by {"env"} signs deliveries, and no row of state.db holds the secret or the URL', async () => {
    patchConfig(home, { notifications: [{ type: 'webhook', name: 'ops', url: hookUrl, secret: { env: ENV }, events: ['success'] }] });
    const run = await withEnv(ENV, SECRET, () => adp(['--home', home, 'run', 'wildrydes-rydebooking', '--wait', '--json']));
    expect(run.code, run.stderr).toBe(0);
    const [delivery] = hooks.requests;
    expect(delivery?.path).toBe('/private-hook-path-91b2');
    const signature = String(delivery!.headers['x-adp-signature']);
    expect(verifyWebhook(SECRET, String(delivery!.headers['x-adp-timestamp']), delivery!.body, signature)).toBe(true);

    const list = JSON.parse((await adp(['--home', home, 'outbox', 'list', '--state', 'delivered', '--json'])).stdout);
    expect(list.entries.map((e: { destination: unknown; state: string }) => [e.destination, e.state])).toEqual([[{ id: 'ops', type: 'webhook' }, 'delivered']]);
    const text = sqliteText(path.join(home, 'state.db'));
    expect(text).toContain('"destination_id":"ops"');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('private-hook-path-91b2');
  });

  it('adp config check: exit 2 naming each field whose reference cannot be resolved, exit 0 once all resolve, never a value', async () => {
    patchConfig(home, {
      notifications: [{ type: 'webhook', name: 'ops', url: { file: 'secrets/hook-url' }, secret: { env: ENV }, events: ['failure'] }],
      sinks: [{ type: 'opensearch', name: 'search', node: 'http://127.0.0.1:9', index: 'h', auth: { username: 'admin', password: { env: `${ENV}_OS` } } }],
    });
    const bad = await withEnv(ENV, undefined, () => adp(['--home', home, 'config', 'check']));
    expect(bad.code).toBe(2);
    const file = path.join(home, 'adp.config.json');
    expect(bad.stderr.trim().split('\n')).toEqual([
      `${file}: notifications[0].url: file ${path.join(home, 'secrets/hook-url')} does not exist (webhook destination 'ops')`,
      `${file}: sinks[0].auth.password: environment variable ${ENV}_OS is not set (opensearch destination 'search')`,
      `adp: 2 problems in ${file}`,
    ]);

    fs.mkdirSync(path.join(home, 'secrets'));
    fs.writeFileSync(path.join(home, 'secrets/hook-url'), 'not a url\n');
    const refused = await withEnv(ENV, SECRET, () => withEnv(`${ENV}_OS`, 'os-password-5d1e', () => adp(['--home', home, 'config', 'check', '--json'])));
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout).problems).toEqual([
      { field: 'notifications[0].url', message: `must be an http:// or https:// URL (read from file secrets/hook-url) (webhook destination 'ops')` },
    ]);

    fs.writeFileSync(path.join(home, 'secrets/hook-url'), `${hookUrl}\n`);
    const good = await withEnv(ENV, SECRET, () => withEnv(`${ENV}_OS`, 'os-password-5d1e', () => adp(['--home', home, 'config', 'check', '--json'])));
    expect(good.code, good.stderr).toBe(0);
    const report = JSON.parse(good.stdout);
    expect(report).toMatchObject({ ok: true, problems: [] });
    expect(report.references.map((r: { field: string; names: string; ok: boolean }) => [r.field, r.names, r.ok])).toEqual([
      ['url', 'file secrets/hook-url', true],
      ['secret', `environment variable ${ENV}`, true],
      ['auth.password', `environment variable ${ENV}_OS`, true],
    ]);
    expect(good.stdout + good.stderr).not.toMatch(new RegExp(`${SECRET}|os-password-5d1e|private-hook-path`));
    const text = await withEnv(ENV, SECRET, () => withEnv(`${ENV}_OS`, 'x', () => adp(['--home', home, 'config', 'check'])));
    expect(text.stdout.trim()).toBe(`${file}: ok (3 secret references resolved, values not shown)`);
  });

  it('adp config check names an unknown reference shape and refuses an invalid config, exit 2', async () => {
    patchConfig(home, { notifications: [{ type: 'webhook', url: hookUrl, secret: { vault: 'x' }, events: ['failure'] }], sinks: [] });
    const r = await adp(['--home', home, 'config', 'check']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('notifications[0].secret: must be a string, or a reference {"env": "NAME"} or {"file": "path"}');
    const json = JSON.parse((await adp(['--home', home, 'config', 'check', '--json'])).stdout);
    expect(json).toMatchObject({ ok: false, problems: [{ field: 'notifications[0].secret' }] });
  });

  it('adp serve prints no token from ADP_API_TOKEN, and warns at start of each destination whose reference cannot be resolved (real process)', async () => {
    const token = 'operator-token-3c8e1f0b';
    patchConfig(home, { notifications: [{ type: 'webhook', name: 'ops', url: hookUrl, secret: { env: ENV }, events: ['failure'] }], sinks: [] });
    const env: NodeJS.ProcessEnv = { ...process.env, ADP_API_TOKEN: token };
    delete env[ENV];
    const serve = await startServeProcess(home, { env });
    try {
      const login = await serve.waitFor(/to log in/);
      expect(login).toMatch(/^adp serve: open http:\/\/127\.0\.0\.1:\d+\/\?token=<your API token> to log in \(the token is not printed\)$/);
      const warning = await serve.waitFor(/warning:/);
      expect(warning).toBe(
        `adp serve: warning: notifications[0].secret: environment variable ${ENV} is not set (webhook destination 'ops'); its deliveries are retried until this is fixed (no restart needed), see \`adp config check\``,
      );
      expect(serve.lines.join('\n')).not.toContain(token);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });
});

describe('secret references with the postgres driver (real PostgreSQL on 127.0.0.1, protocol-level webhook capture server)', () => {
  const database = `adp_secrets_${process.pid}_${Date.now().toString(36)}`;
  let dir: string;
  let hooks: CaptureServer;

  beforeAll(async () => {
    dir = tempDir();
    hooks = await CaptureServer.start();
    const admin = new pg.Client({ connectionString: SERVER });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
  });
  afterAll(async () => {
    await hooks.close();
    cleanup(dir);
    const admin = new pg.Client({ connectionString: SERVER });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it('after a delivery, no row of the PostgreSQL schema holds the secret or the URL', async () => {
    const url = new URL(SERVER);
    url.pathname = `/${database}`;
    const home = path.join(dir, 'home');
    const init = await withEnv('ADP_DATABASE_URL', undefined, () => adp(['--home', home, 'init', '--driver', 'postgres', '--database-url', url.href, '--example', 'wildrydes', '--rows', '20']));
    expect(init.code, init.stderr).toBe(0);
    const hookUrl = `${hooks.url}/pg-private-hook-4e7d`;
    patchConfig(home, { ...JSON.parse(fs.readFileSync(path.join(home, 'adp.config.json'), 'utf8')), notifications: [{ type: 'webhook', url: hookUrl, secret: { env: ENV }, events: ['success'] }] });
    const run = await withEnv('ADP_DATABASE_URL', undefined, () => withEnv(ENV, SECRET, () => adp(['--home', home, 'run', 'wildrydes-rydebooking', '--wait'])));
    expect(run.code, run.stderr).toBe(0);
    const [delivery] = hooks.requests;
    expect(verifyWebhook(SECRET, String(delivery!.headers['x-adp-timestamp']), delivery!.body, String(delivery!.headers['x-adp-signature']))).toBe(true);

    const client = new pg.Client({ connectionString: url.href });
    await client.connect();
    try {
      const { rows: tables } = await client.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'adp' AND table_type = 'BASE TABLE'");
      const dump: unknown[] = [];
      for (const t of tables) dump.push((await client.query(`SELECT to_jsonb(x) AS row FROM adp."${t.name}" x`)).rows);
      const text = JSON.stringify(dump);
      expect(text).toContain('"destination_type":"webhook"');
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('pg-private-hook-4e7d');
    } finally {
      await client.end();
    }
  });
});
