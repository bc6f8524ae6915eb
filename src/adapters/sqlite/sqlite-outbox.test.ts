import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { draftFixture } from '../../ports/outbox-store.contract.js';
import type { SqliteDatabase } from './connection.js';
import { OutboxTable } from './outbox.js';
import { SqliteStateStore } from './sqlite-state-store.js';

// The OutboxStore contract runs against every backend in test/contracts/outbox-store.test.ts.

describe('SQLite outbox', () => {
  it('claims from a 20,000-entry backlog through the pending index in seq order, reading only the rows it claims', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adp-'));
    const file = path.join(dir, 'state.db');
    const store = SqliteStateStore.open(file);
    const db = new Database(file);
    try {
      const drafts = Array.from({ length: 20_000 }, (_, i) => draftFixture(i, `cur-${i % 10}`));
      await store.applyAlerts(() => ({ entries: drafts, upsert: [], close: [] }));

      // The claim query exactly as the outbox table prepares it, run on a second connection with a
      // counting function as its first WHERE term: called once per outbox row the plan reads.
      const prepared: string[] = [];
      new OutboxTable({ prepare: (sql: string) => (prepared.push(sql), db.prepare(sql)) } as unknown as SqliteDatabase);
      const due = prepared.filter((sql) => /ORDER BY o\.seq/.test(sql));
      expect(due).toHaveLength(1);
      const counted = due[0]!.replace(/\bWHERE /, 'WHERE adp_visit(o.seq) AND ');
      let visited = 0;
      db.function('adp_visit', { deterministic: false }, (_seq) => {
        visited += 1;
        return 1;
      });
      const params = { now: Date.now(), limit: 200 };
      const plan = (sql: string) =>
        db
          .prepare<{ now: number; limit: number }, { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
          .all(params)
          .map((r) => r.detail);
      expect(plan(counted)).toEqual(plan(due[0]!));
      const steps = plan(due[0]!).join(' | ');
      expect(steps).toMatch(/SEARCH o USING INDEX outbox_by_state \(state=\?\)/);
      expect(steps).not.toMatch(/TEMP B-TREE|SCAN o\b/);
      expect(db.prepare(counted).all(params)).toHaveLength(200);
      expect(visited).toBe(200);

      const claimed = await store.claimOutbox({ owner: 'w', limit: 200, leaseMs: 1000, now: new Date() });
      expect(claimed.map((e) => e.id)).toEqual(drafts.slice(0, 200).map((d) => d.id));
    } finally {
      db.close();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
