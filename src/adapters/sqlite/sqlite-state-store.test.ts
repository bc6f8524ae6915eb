import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, StateError } from '../../domain/errors.js';
import { curationFixture, historyRecordFixture, runFixture } from '../../ports/state-store.contract.js';
import { BUSY_TIMEOUT_MS, openConnection } from './connection.js';
import { MIGRATIONS } from './migrations.js';
import { SqliteStateStore } from './sqlite-state-store.js';

// The StateStore contract runs against every backend in test/contracts/state-store.test.ts.

describe('SqliteStateStore on SQLite', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adp-'));
    file = path.join(dir, 'state.db');
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const raw = (f = file) => new Database(f);
  const versions = (db: Database.Database) =>
    db.prepare<[], { version: number }>('SELECT version FROM schema_migrations ORDER BY version').all().map((r) => r.version);

  it('opens connections in WAL mode with synchronous=NORMAL, a busy timeout and foreign keys', () => {
    const db = openConnection(file);
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(BUSY_TIMEOUT_MS);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    } finally {
      db.close();
    }
  });

  it('leaves the store file in WAL mode', async () => {
    const store = SqliteStateStore.open(file);
    await store.close();
    const db = raw();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('applies every migration once, and reopening applies nothing again', async () => {
    await (SqliteStateStore.open(file)).close();
    const db = raw();
    const first = db.prepare('SELECT * FROM schema_migrations').all();
    db.close();
    await (SqliteStateStore.open(file)).close();
    const again = raw();
    expect(versions(again)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(again.prepare('SELECT * FROM schema_migrations').all()).toEqual(first);
    again.close();
  });

  it('keeps everything across close and reopen', async () => {
    const a = SqliteStateStore.open(file);
    const stored = await a.putCuration(curationFixture());
    await a.createRun(runFixture());
    await a.createRun(runFixture({ executionName: 'still-queued', status: 'queued' }));
    const record = await a.finishRun(historyRecordFixture());
    await a.putObjectAttributes('curated-data', 'k.csv', { metadata: { a: '1' }, tags: { b: '2' } });
    await a.close();

    const b = SqliteStateStore.open(file);
    expect(await b.getCuration(stored.definition.curationType)).toStrictEqual(stored);
    expect(await b.getRun(runFixture().executionName)).toStrictEqual({ ...runFixture(), status: 'succeeded', updatedAt: expect.any(String) });
    expect((await b.listActiveRuns()).map((r) => r.executionName)).toEqual(['still-queued']);
    expect((await b.listHistory({ limit: 5 })).records).toStrictEqual([record]);
    expect(await b.getObjectAttributes('curated-data', 'k.csv')).toStrictEqual({ metadata: { a: '1' }, tags: { b: '2' } });
    await b.close();
  });

  it('refuses a file written by a newer schema, telling the user to upgrade, and leaves it untouched', async () => {
    await (SqliteStateStore.open(file)).close();
    const newer = MIGRATIONS.length + 1;
    const db = raw();
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', '2099-01-01T00:00:00.000Z')").run(newer);
    db.close();

    const err = (() => {
      try {
        SqliteStateStore.open(file);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(new RegExp(`schema version ${newer}.*Upgrade adp`, 's'));
    const after = raw();
    expect(versions(after)).toEqual([...MIGRATIONS.map((m) => m.version), newer]);
    after.close();
  });

  it('refuses a file that is not a database, or a missing folder, with ConfigError naming the file', () => {
    fs.writeFileSync(file, 'this is not sqlite, but long enough to have a header of sorts.'.repeat(4));
    expect(() => SqliteStateStore.open(file)).toThrow(ConfigError);
    expect(() => SqliteStateStore.open(file)).toThrow(file);
    const missing = path.join(dir, 'no-such-folder', 'state.db');
    expect(() => SqliteStateStore.open(missing)).toThrow(ConfigError);
  });

  it('shares one file between two connections: the second finishRun returns the first record', async () => {
    const a = SqliteStateStore.open(file);
    const b = SqliteStateStore.open(file);
    try {
      await a.createRun(runFixture());
      const first = await a.finishRun(historyRecordFixture());
      const second = await b.finishRun(historyRecordFixture({ status: 'failed', timestamp: first.timestamp + 5 }));
      expect(second).toStrictEqual(first);
      expect((await b.getRun(runFixture().executionName))?.status).toBe('succeeded');
      const collided = await b.finishRun(historyRecordFixture({ curationExecutionName: 'other-run' }));
      expect(collided.timestamp).toBe(first.timestamp + 1);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('stamps curations with the injected clock', async () => {
    let now = Date.UTC(2027, 0, 1);
    const store = SqliteStateStore.open(':memory:', { now: () => new Date(now) });
    const first = await store.putCuration(curationFixture());
    now += 60_000;
    const second = await store.putCuration(curationFixture());
    expect([first.createdAt, second.createdAt, second.updatedAt]).toEqual([
      '2027-01-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
      '2027-01-01T00:01:00.000Z',
    ]);
    await store.close();
  });

  it('rejects calls after close with StateError, and closing twice is harmless', async () => {
    const store = SqliteStateStore.open(file);
    await store.close();
    await store.close();
    await expect(store.getCuration('x')).rejects.toBeInstanceOf(StateError);
    await expect(store.finishRun(historyRecordFixture())).rejects.toBeInstanceOf(StateError);
  });

  it('rolls back finishRun entirely when the history insert fails', async () => {
    const store = SqliteStateStore.open(file);
    await store.createRun(runFixture());
    const db = raw();
    // A trigger that fails the insert stands in for a crash between the two writes.
    db.exec("CREATE TRIGGER fail_insert BEFORE INSERT ON history BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
    db.close();
    await expect(store.finishRun(historyRecordFixture())).rejects.toThrow('disk on fire');
    expect((await store.getRun(runFixture().executionName))?.status).toBe('running');
    expect(await store.getHistoryRecord(runFixture().executionName)).toBeUndefined();
    await store.close();
  });
});
