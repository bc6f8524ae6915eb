import { EnvironmentError } from '../../domain/errors.js';
import type { Database, Sql } from './database.js';
import type { Migration } from './migrations.js';

/** Schema versions before and after {@link migrate}. */
export interface MigrationResult {
  readonly from: number;
  readonly to: number;
}

/**
 * Creates `schema` if needed and applies the pending migrations, all in one
 * transaction under an advisory lock on the schema's name: two processes
 * migrating at once take turns (the second finds nothing to do), and a
 * failing step leaves nothing half done.
 *
 * @throws EnvironmentError when the schema was written by a newer adp.
 */
export async function migrate(db: Database, schema: string, migrations: readonly Migration[], now: () => Date): Promise<MigrationResult> {
  assertOrdered(migrations);
  const latest = migrations.at(-1)?.version ?? 0;
  return db.transaction(async (tx) => {
    await tx.run('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`adp:migrate:${schema}`]);
    await tx.run(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await tx.run(
      `CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)`,
    );
    const current = await currentVersion(tx, schema);
    if (current > latest) throw await newerSchema(tx, schema, current, latest);
    for (const m of migrations) {
      if (m.version <= current) continue;
      await tx.run(m.sql);
      await tx.run(`INSERT INTO ${schema}.schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`, [
        m.version,
        m.name,
        now().toISOString(),
      ]);
    }
    return { from: current, to: Math.max(current, latest) };
  });
}

/**
 * Checks that `schema` is at the latest version without changing anything.
 *
 * @throws EnvironmentError saying to run `adp migrate` (schema missing or older) or to upgrade adp (newer).
 */
export async function checkVersion(sql: Sql, schema: string, migrations: readonly Migration[]): Promise<void> {
  const latest = migrations.at(-1)?.version ?? 0;
  const current = await currentVersion(sql, schema);
  if (current === latest) return;
  if (current > latest) throw await newerSchema(sql, schema, current, latest);
  const where = `schema ${schema} in ${await databaseName(sql)}`;
  const state = current === 0 ? 'is not initialised' : `is at version ${current}, this adp needs ${latest}`;
  throw new EnvironmentError(`${where} ${state}: run \`adp migrate\``);
}

/** The highest applied migration; 0 when the schema or its migration table does not exist. */
export async function currentVersion(sql: Sql, schema: string): Promise<number> {
  const table = await sql.one<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [`${schema}.schema_migrations`]);
  if (!table?.present) return 0;
  const row = await sql.one<{ v: number }>(`SELECT COALESCE(MAX(version), 0) AS v FROM ${schema}.schema_migrations`);
  return row?.v ?? 0;
}

async function newerSchema(sql: Sql, schema: string, current: number, latest: number): Promise<EnvironmentError> {
  return new EnvironmentError(
    `schema ${schema} in ${await databaseName(sql)} has version ${current}, but this adp only knows versions up to ${latest}: ` +
      'it was written by a newer adp: upgrade adp',
  );
}

async function databaseName(sql: Sql): Promise<string> {
  return (await sql.one<{ db: string }>('SELECT current_database() AS db'))?.db ?? 'the database';
}

// A gap or reordering would silently skip a step on some installations; fail loudly in development instead.
function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migration #${i} has version ${m.version}; versions must be 1, 2, 3, ... in order`);
    }
  });
}
