import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from './migrate.js';
import { MIGRATIONS } from './migrations.js';
import { durationBandSql } from '../sql/timeline-sql.js';
import { HistoryTimeline } from './timeline.js';
import { MIGRATIONS as PG_MIGRATIONS } from '../postgres/migrations.js';

const t0 = Date.UTC(2027, 0, 4, 10, 0, 0);

describe('SQLite history timeline', () => {
  it('reads a window from the start index (grouped in its order by start; sorted once by scheduled time), and one curation from a range of its key', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS);
    const plans: string[] = [];
    const real = db.prepare.bind(db);
    db.prepare = ((sql: string) => {
      if (sql.startsWith('SELECT')) {
        const explain = real(`EXPLAIN QUERY PLAN ${sql}`);
        const params = Array.from({ length: (sql.match(/\?/g) ?? []).length }, (_, i) => (i < 4 || i > 4 ? 0 : 'x'));
        plans.push(...explain.all(...params).map((r) => (r as { detail: string }).detail));
      }
      return real(sql);
    }) as typeof db.prepare;
    const timeline = new HistoryTimeline(db);
    timeline.read({ from: t0, to: t0 + 60_000, by: 'started', pointLimit: 0 });
    timeline.read({ from: t0, to: t0 + 60_000, by: 'scheduled', pointLimit: 0 });
    expect(plans).toEqual([
      expect.stringMatching(/COVERING INDEX history_timeline_started/),
      expect.stringMatching(/COVERING INDEX history_timeline_started/),
      expect.stringMatching(/COVERING INDEX history_timeline_started/),
      'USE TEMP B-TREE FOR GROUP BY',
      expect.stringMatching(/COVERING INDEX history_timeline_started/),
    ]);
    plans.length = 0;
    timeline.read({ from: t0, to: t0 + 60_000, by: 'started', pointLimit: 0, curationType: 'x' });
    expect(plans[0]).toMatch(/\(curation_type=\? AND timestamp>\?\)/);
    db.close();
  });

  it('fills the timeline columns of records stored before migration 5', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS.slice(0, 4));
    const record = {
      curationType: 'c',
      timestamp: t0 + 65_000,
      curationExecutionName: 'old-run',
      status: 'succeeded',
      trigger: 'backfill',
      scheduledTime: '2027-01-03T10:00:00.000Z',
      startedAt: '2027-01-04T10:00:00.250Z',
      durationMs: 64_750,
      attempt: 1,
      engine: 'duckdb',
    };
    db.prepare('INSERT INTO history (curation_type, timestamp, execution_name, status, record) VALUES (?, ?, ?, ?, ?)').run(
      'c',
      record.timestamp,
      record.curationExecutionName,
      record.status,
      JSON.stringify(record),
    );
    migrate(db, MIGRATIONS);
    expect(db.prepare('SELECT started_ms, scheduled_ms, duration_ms FROM history').get()).toEqual({
      started_ms: t0 + 250,
      scheduled_ms: Date.UTC(2027, 0, 3, 10),
      duration_ms: 64_750,
    });
    const got = new HistoryTimeline(db).read({ from: t0, to: t0 + 1000, by: 'scheduled', pointLimit: 10 });
    expect('points' in got && got.points.map((p) => [p.name, p.at])).toEqual([['old-run', Date.UTC(2027, 0, 3, 10)]]);
    db.close();
  });

  it('holds the band CASE of durationBandSql in both stores’ migrations, so queries match the indexes', () => {
    const band = durationBandSql('duration_ms');
    expect(MIGRATIONS.at(-1)!.sql.split(band).length - 1).toBe(1);
    expect(PG_MIGRATIONS.at(-1)!.sql.split(band).length - 1).toBe(1);
  });
});
