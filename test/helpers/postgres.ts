import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, expect } from 'vitest';
import { PostgresStateStore, type PostgresStateStoreOptions } from '../../src/adapters/postgres/index.js';

/** The database tests use: `ADP_TEST_DATABASE_URL`, else the local server's `test` database. */
export const TEST_DATABASE_URL = process.env.ADP_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** Connections per test store: enough for the concurrency tests, few enough for parallel test files. */
const TEST_POOL_MAX = 4;

const created = new Set<string>();
/** Migrated schemas emptied after use: reusing one costs a few DELETEs instead of a migration (the property tests open hundreds of stores). */
const spare: string[] = [];
const open = new Map<PostgresStateStore, string>();
/** Tables whose rows the migrations write; emptying a schema for reuse keeps them. */
const SEEDED_TABLES = ['schema_migrations', 'curation_change_counter'];
let counter = 0;
let admin: pg.Pool | undefined;

/** A small pool for what tests do behind the store's back (create and drop schemas, terminate backends). */
export function adminPool(): pg.Pool {
  if (!admin) {
    admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2, application_name: 'adp-test-admin' });
    admin.on('error', () => undefined);
  }
  return admin;
}

/**
 * A schema name nobody else uses: `t_` + a hash of the test file's path (so
 * a leftover schema tells which file left it) + a counter + random digits
 * (so parallel runs of the same file do not meet).
 */
export function testSchemaName(): string {
  const file = expect.getState().testPath ?? 'unknown';
  const hash = createHash('sha256').update(file).digest('hex').slice(0, 8);
  return `t_${hash}_${++counter}_${randomBytes(3).toString('hex')}`;
}

/**
 * Opens a store on an empty, migrated schema of its own (`options.schema`
 * to share one); the leak guard fails the test if it is not closed.
 */
export async function openTestStore(options: Partial<PostgresStateStoreOptions> = {}): Promise<PostgresStateStore> {
  const schema = options.schema ?? spare.pop() ?? testSchemaName();
  created.add(schema);
  const store = await PostgresStateStore.open({
    connectionString: TEST_DATABASE_URL,
    poolMax: TEST_POOL_MAX,
    applicationName: `adp-test:${schema}`,
    migrate: true,
    ...options,
    schema,
  });
  open.set(store, expect.getState().currentTestName ?? schema);
  const close = store.close.bind(store);
  store.close = async () => {
    open.delete(store);
    await close();
  };
  return store;
}

/** Closes the store and empties its schema for the next {@link openTestStore} of this file. */
export async function disposeTestStore(store: PostgresStateStore): Promise<void> {
  await store.close();
  const { rows } = await adminPool().query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 AND NOT (tablename = ANY($2::text[]))",
    [store.schema, SEEDED_TABLES],
  );
  await adminPool().query(rows.map((r) => `DELETE FROM ${store.schema}.${r.name};`).join('\n'));
  spare.push(store.schema);
}

/** Creates an empty schema (no tables) for tests of migrations; dropped after the file. */
export async function createTestSchema(): Promise<string> {
  const schema = testSchemaName();
  created.add(schema);
  await adminPool().query(`CREATE SCHEMA ${schema}`);
  return schema;
}

/** Drops a schema and everything in it. */
export async function dropTestSchema(schema: string): Promise<void> {
  await adminPool().query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  created.delete(schema);
  spare.splice(0, spare.length, ...spare.filter((s) => s !== schema));
}

/** Backends connected to `schema` (its stores' pools and wake listeners), found by application_name. */
export async function schemaBackends(schema: string, suffix = ''): Promise<number[]> {
  const { rows } = await adminPool().query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [
    `adp-test:${schema}${suffix}`,
  ]);
  return rows.map((r) => r.pid);
}

/** Terminates backends and waits until the server has let them go. */
export async function terminateBackends(pids: readonly number[]): Promise<void> {
  if (pids.length === 0) return;
  await adminPool().query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
  await waitFor(async () => {
    const { rows } = await adminPool().query('SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1::int[])', [pids]);
    return rows.length === 0;
  }, 'terminated backends to exit');
}

/** Polls `condition` until it holds; fails after a deadline generous enough for a loaded machine. */
export async function waitFor(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Registers, for the calling test file, the leak guard (after each test:
 * every store the test opened through {@link openTestStore} must be closed)
 * and the clean-up (after the file: every schema it created is dropped).
 */
export function usePostgresTestSchemas(): void {
  afterEach(async () => {
    if (open.size === 0) return;
    const leaked = [...open.entries()];
    for (const [store] of leaked) await store.close();
    throw new Error(`the test left ${leaked.length} PostgresStateStore open (${leaked.map(([, t]) => t).join('; ')}): close every store it opens`);
  });
  afterAll(async () => {
    for (const schema of [...created]) await dropTestSchema(schema);
    await admin?.end();
    admin = undefined;
  });
}
