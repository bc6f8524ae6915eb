import { ConfigError, EnvironmentError } from '../../domain/errors.js';
import type { SqliteDatabase } from './connection.js';
import { MIGRATIONS, type Migration } from './migrations.js';

/** Schema versions before and after {@link migrate}. */
export interface MigrationResult {
  readonly from: number;
  readonly to: number;
}

/**
 * Brings the database to the latest schema in `migrations`, all pending steps
 * in one IMMEDIATE transaction (so two processes opening the same file at once
 * cannot both apply a step, and a failed step leaves nothing half done).
 *
 * @throws ConfigError when the file was written by a newer adp (unknown versions).
 */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[], now: () => Date = () => new Date()): MigrationResult {
  assertOrdered(migrations);
  const latest = migrations.at(-1)?.version ?? 0;
  const apply = db.transaction((): MigrationResult => {
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT',
    );
    const current = currentVersion(db);
    if (current > latest) {
      throw new ConfigError(
        `state database '${db.name}' has schema version ${current}, but this adp only knows versions up to ${latest}: ` +
          'it was written by a newer adp. Upgrade adp to open it.',
      );
    }
    const record = db.prepare<[number, string, string]>('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of migrations) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      record.run(m.version, m.name, now().toISOString());
    }
    return { from: current, to: Math.max(current, latest) };
  });
  return apply.immediate();
}

/**
 * For a read-only open, where nothing can be migrated: whether the file has
 * this adp's schema (`older`: reading it would fail on missing columns).
 *
 * @throws ConfigError when it was written by a newer adp.
 */
export function schemaStatus(db: SqliteDatabase, file: string, migrations: readonly Migration[] = MIGRATIONS): { status: 'current' | 'older'; current: number; latest: number } {
  const latest = migrations.at(-1)?.version ?? 0;
  const hasTable = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get()?.n === 1;
  const current = hasTable ? currentVersion(db) : 0;
  if (current > latest) {
    throw new ConfigError(`state database '${file}' has schema version ${current}, but this adp only knows versions up to ${latest}: it was written by a newer adp. Upgrade adp to open it.`);
  }
  return { status: current < latest ? 'older' : 'current', current, latest };
}

/** Why a read-only open of an older schema cannot go on. */
export function olderSchemaError(file: string, current: number, latest: number, cause: unknown): EnvironmentError {
  return new EnvironmentError(
    `state database '${file}' has schema version ${current}, older than this adp's ${latest}, and this user may not write it to migrate: ` +
      'run `adp migrate` once as a user who may write the home, then try again',
    { cause },
  );
}

/** The highest applied migration; 0 for a new file. */
export function currentVersion(db: SqliteDatabase): number {
  const row = db.prepare<[], { v: number }>('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get();
  return row?.v ?? 0;
}

// A gap or reordering would silently skip a step on some installations; fail loudly in development instead.
function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migration #${i} has version ${m.version}; versions must be 1, 2, 3, ... in order`);
    }
  });
}
