import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../domain/errors.js';
import { currentVersion, migrate } from './migrate.js';
import { MIGRATIONS, type Migration } from './migrations.js';
import { OutboxTable } from './outbox.js';

const SCHEMA_FILE = fileURLToPath(new URL('./schema.sql', import.meta.url));

/** The schema as SQLite reports it, in a stable order, for schema.sql. */
function dumpSchema(db: Database.Database): string {
  const rows = db
    .prepare<[], { sql: string }>(
      "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY tbl_name, CASE type WHEN 'table' THEN 0 ELSE 1 END, name",
    )
    .all();
  return `-- Generated from MIGRATIONS (version ${MIGRATIONS.length}); do not edit.\n-- Regenerate: ADP_WRITE_SCHEMA=1 npx vitest run src/adapters/sqlite/migrations.test.ts\n\n${rows.map((r) => `${r.sql};`).join('\n\n')}\n`;
}

describe('SQLite migrations', () => {
  it('are numbered 1, 2, 3, ... in order', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('match the reviewed schema dump in schema.sql', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS);
    const dump = dumpSchema(db);
    db.close();
    if (process.env.ADP_WRITE_SCHEMA === '1') fs.writeFileSync(SCHEMA_FILE, dump);
    expect(dump).toBe(fs.readFileSync(SCHEMA_FILE, 'utf8'));
  });

  it('rewrite an outbox entry of the old shape (the whole destination, with its secret) to hold only its id and type', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS.slice(0, 3));
    const old = { id: 'ops', type: 'webhook', url: 'https://hooks.example.com/old-url-xyz', secret: 'old-secret-xyz' };
    db.prepare(
      `INSERT INTO outbox (id, destination_id, destination, curation_type, event, payload, state, next_attempt_at, created_at, updated_at)
       VALUES ('ob-1', 'ops', ?, 'c', 'failure', '{}', 'pending', 0, '2027-01-04T10:00:00.000Z', '2027-01-04T10:00:00.000Z')`,
    ).run(JSON.stringify(old));
    expect(migrate(db, MIGRATIONS)).toEqual({ from: 3, to: MIGRATIONS.length });
    const rows = db.prepare('SELECT * FROM outbox').all();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toMatch(/old-secret-xyz|old-url-xyz/);
    expect(new OutboxTable(db).get('ob-1')?.destination).toEqual({ id: 'ops', type: 'webhook' });
    db.close();
  });

  it('apply only the pending steps and report the versions', () => {
    const db = new Database(':memory:');
    const m1: Migration = { version: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER) STRICT' };
    const m2: Migration = { version: 2, name: 'two', sql: 'ALTER TABLE a ADD COLUMN y TEXT' };
    expect(migrate(db, [m1])).toEqual({ from: 0, to: 1 });
    expect(migrate(db, [m1, m2])).toEqual({ from: 1, to: 2 });
    expect(migrate(db, [m1, m2])).toEqual({ from: 2, to: 2 });
    expect(db.prepare('SELECT name FROM pragma_table_info(?)').all('a')).toEqual([{ name: 'x' }, { name: 'y' }]);
    db.close();
  });

  it('leave nothing behind when a step fails', () => {
    const db = new Database(':memory:');
    const good: Migration = { version: 1, name: 'good', sql: 'CREATE TABLE a (x INTEGER)' };
    const bad: Migration = { version: 2, name: 'bad', sql: 'CREATE TABLE b (x INTEGER); SELECT * FROM missing_table' };
    expect(() => migrate(db, [good, bad])).toThrow(/missing_table/);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all()).toEqual([]);
    db.close();
  });

  it('refuse a database newer than the code with ConfigError', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS);
    const withFuture = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'future', sql: 'SELECT 1' }];
    migrate(db, withFuture);
    expect(() => migrate(db, MIGRATIONS)).toThrow(ConfigError);
    expect(() => migrate(db, MIGRATIONS)).toThrow(/Upgrade adp/);
    expect(currentVersion(db)).toBe(MIGRATIONS.length + 1);
    db.close();
  });

  it('refuse a gap in the numbering', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [{ version: 2, name: 'x', sql: 'SELECT 1' }])).toThrow(/1, 2, 3/);
    db.close();
  });
});
