import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../domain/errors.js';
import type { HistoryQuery } from '../../ports/state-store.js';
import { decodeCursor, encodeCursor } from '../../domain/history-page.js';
import { buildHistoryQuery } from './history-query.js';
import { SqliteStateStore } from './sqlite-state-store.js';

// 50,000 rows keep this file fast; ADP_HISTORY_ROWS=1000000 checks the full size. How fast a page is
// answered is measured by bench/history-api.mjs (historyListP95Ms, historyDeepPageP95Ms); here, what it reads.
const ROWS = Number(process.env.ADP_HISTORY_ROWS ?? 50_000);
const CURATIONS = 20;
const BASE = 1_700_000_000_000;
const cursorAt = (i: number) => encodeCursor({ timestamp: BASE + i * 1000, executionName: name(i) });
const name = (i: number) => `${String(i).padStart(14, '0')}ABCDEF_cur${i % CURATIONS}`;

let dir: string;
let file: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adp-'));
  file = path.join(dir, 'state.db');
  await SqliteStateStore.open(file).close();
  const db = new Database(file);
  // Generated inside SQLite: a JS insert loop would dominate the test's time.
  db.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
     INSERT INTO history (curation_type, timestamp, execution_name, status, record)
     SELECT 'cur' || (i % ${CURATIONS}), ? + i * 1000, printf('%014d', i) || 'ABCDEF_cur' || (i % ${CURATIONS}), s,
            json_object('curationType', 'cur' || (i % ${CURATIONS}), 'timestamp', ? + i * 1000,
                        'curationExecutionName', printf('%014d', i) || 'ABCDEF_cur' || (i % ${CURATIONS}),
                        'status', s, 'trigger', 'schedule', 'startedAt', '2024-01-01T00:00:00.000Z',
                        'durationMs', 1000, 'attempt', 1, 'engine', 'duckdb')
     FROM (SELECT i, CASE WHEN i % 10 = 0 THEN 'failed' ELSE 'succeeded' END AS s FROM n)`,
  ).run(ROWS, BASE, BASE);
  db.close();
}, 120_000);

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('history query plans', () => {
  const combos: HistoryQuery[] = [];
  for (const curationType of [undefined, 'cur3'])
    for (const statuses of [undefined, ['failed'] as const])
      for (const from of [undefined, BASE + 1000])
        for (const to of [undefined, BASE + (ROWS / 2) * 1000, BASE + (ROWS / 4) * 1000])
          for (const cursor of [undefined, cursorAt(Math.floor(ROWS / 3))])
            combos.push({ curationType, statuses, from, to, cursor, limit: 50 });

  it('reads every filter combination through an index in ORDER BY order (no sort, no table scan)', () => {
    const db = new Database(file, { readonly: true });
    try {
      for (const q of combos) {
        const { sql, params } = buildHistoryQuery(q);
        const plan = db
          .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
          .all(...params)
          .map((r) => r.detail);
        expect(plan.join(' | '), JSON.stringify(q)).not.toMatch(/TEMP B-TREE/);
        for (const step of plan) expect(step, JSON.stringify(q)).toMatch(/USING (COVERING )?INDEX/);
      }
    } finally {
      db.close();
    }
  });

  it('uses a single upper bound: the cursor, unless `to` lies before it', () => {
    const cursor = encodeCursor({ timestamp: 200, executionName: 'x' });
    expect(buildHistoryQuery({ to: 300, cursor, limit: 5 })).toEqual({
      sql: expect.not.stringContaining('timestamp <= ?'),
      params: [200, 'x', 6],
    });
    expect(buildHistoryQuery({ to: 100, cursor, limit: 5 })).toEqual({
      sql: expect.not.stringContaining('execution_name) <'),
      params: [100, 6],
    });
  });

  it('round-trips cursors and refuses forged ones', () => {
    expect(decodeCursor(encodeCursor({ timestamp: 5, executionName: 'a_b' }))).toEqual({ timestamp: 5, executionName: 'a_b' });
    for (const bad of ['', '!!!', Buffer.from('[1]').toString('base64url'), Buffer.from('["1","a"]').toString('base64url')]) {
      expect(() => decodeCursor(bad)).toThrow(ValidationError);
    }
    expect(() => buildHistoryQuery({ limit: 5, from: 1.5 })).toThrow(ValidationError);
  });
});

describe(`history listing at ${ROWS} rows`, () => {
  /**
   * Runs `q`'s SQL with a counting function as its first WHERE term: SQLite
   * calls it once for every row the index hands over, so `visited` is the
   * rows read (the index bounds skip the rest without calling it). The plan
   * must be the one of the real query, or the count would measure another.
   */
  function rowsRead(db: Database.Database, q: HistoryQuery): { returned: number; visited: number } {
    const { sql, params } = buildHistoryQuery(q);
    const counted = sql.includes(' WHERE ')
      ? sql.replace(' WHERE ', ' WHERE adp_visit(timestamp) AND ')
      : sql.replace(' ORDER BY ', ' WHERE adp_visit(timestamp) ORDER BY ');
    let visited = 0;
    db.function('adp_visit', { deterministic: false }, (_timestamp) => {
      visited += 1;
      return 1;
    });
    const plan = (text: string) =>
      db
        .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${text}`)
        .all(...params)
        .map((r) => r.detail);
    expect(plan(counted), JSON.stringify(q)).toEqual(plan(sql));
    const returned = db.prepare(counted).all(...params).length;
    return { returned, visited };
  }

  const shapes: Omit<HistoryQuery, 'limit' | 'cursor'>[] = [
    { curationType: 'cur3' },
    {},
    { statuses: ['failed'] },
    { curationType: 'cur10', statuses: ['failed'], from: BASE, to: BASE + ROWS * 1000 },
    { to: BASE + Math.floor(ROWS * 0.9) * 1000 },
  ];

  it('reads only the page and its look-ahead row, on the first page and as deep in the data (plus the cursor row)', () => {
    const db = new Database(file, { readonly: true });
    try {
      for (const shape of shapes) {
        const first = rowsRead(db, { ...shape, limit: 50 });
        expect(first, JSON.stringify(shape)).toEqual({ returned: 51, visited: 51 });
        for (const depth of [Math.floor(ROWS / 4), Math.floor(ROWS / 2), Math.floor(ROWS * 0.8)]) {
          const deep = rowsRead(db, { ...shape, limit: 50, cursor: cursorAt(depth) });
          const what = `${JSON.stringify(shape)} at row ${depth}`;
          expect(deep.returned, what).toBe(51);
          // The row-value bound seeks to the cursor's timestamp and steps over the cursor row itself: one row more at most.
          expect(deep.visited, what).toBeGreaterThanOrEqual(first.visited);
          expect(deep.visited, what).toBeLessThanOrEqual(first.visited + 1);
        }
      }
    } finally {
      db.close();
    }
  });

  it('returns full pages of one curation, first and deep, each with a cursor to the next', async () => {
    const store = SqliteStateStore.open(file);
    try {
      const deep = cursorAt(Math.floor(ROWS / 2));
      const queries: HistoryQuery[] = [
        { curationType: 'cur3', limit: 50 },
        { curationType: 'cur3', limit: 50, cursor: deep },
        { limit: 50, cursor: deep },
        { statuses: ['failed'], limit: 50, cursor: deep },
        { curationType: 'cur10', statuses: ['failed'], from: BASE, to: BASE + ROWS * 1000, limit: 50, cursor: deep },
      ];
      for (const q of queries) {
        const page = await store.listHistory(q);
        expect(page.records, JSON.stringify(q)).toHaveLength(50);
        expect(page.nextCursor, JSON.stringify(q)).toBeDefined();
        const [after] = (await store.listHistory({ ...q, cursor: page.nextCursor, limit: 1 })).records;
        expect(after!.timestamp, JSON.stringify(q)).toBeLessThan(page.records.at(-1)!.timestamp);
      }
    } finally {
      await store.close();
    }
  });
});
