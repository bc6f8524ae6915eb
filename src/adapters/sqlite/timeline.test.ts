import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from './migrate.js';
import { MIGRATIONS } from './migrations.js';
import { HistoryTimeline } from './timeline.js';
import { DURATION_BAND_THRESHOLDS_MS, durationBand } from '../../domain/timeline.js';

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
      expect.stringMatching(/COVERING INDEX history_timeline /),
      expect.stringMatching(/COVERING INDEX history_timeline /),
      expect.stringMatching(/COVERING INDEX history_timeline /),
      'USE TEMP B-TREE FOR GROUP BY',
      expect.stringMatching(/COVERING INDEX history_timeline /),
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
    expect(db.prepare('SELECT started_ms, started_minute, scheduled_ms, duration_ms, duration_band FROM history').get()).toEqual({
      started_ms: t0 + 250,
      started_minute: t0 / 60_000,
      scheduled_ms: Date.UTC(2027, 0, 3, 10),
      duration_ms: 64_750,
      duration_band: durationBand(64_750),
    });
    const got = new HistoryTimeline(db).read({ from: t0, to: t0 + 1000, by: 'scheduled', pointLimit: 10 });
    expect('points' in got && got.points.map((p) => [p.name, p.at])).toEqual([['old-run', Date.UTC(2027, 0, 3, 10)]]);
    db.close();
  });

  it("fills old records' duration band as durationBand() does, at every threshold", () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS.slice(0, 4));
    const durations = [0, 1, ...DURATION_BAND_THRESHOLDS_MS.flatMap((t) => [t - 1, t]), 99_999_999];
    const insert = db.prepare('INSERT INTO history (curation_type, timestamp, execution_name, status, record) VALUES (?, ?, ?, ?, ?)');
    durations.forEach((d, i) =>
      insert.run('c', i, `run-${i}`, 'succeeded', JSON.stringify({ startedAt: '2027-01-04T10:00:00.000Z', durationMs: d, status: 'succeeded' })),
    );
    migrate(db, MIGRATIONS);
    const bands = db.prepare('SELECT duration_ms AS d, duration_band AS b FROM history ORDER BY timestamp').all() as { d: number; b: number }[];
    expect(bands).toEqual(durations.map((d) => ({ d, b: durationBand(d) })));
    db.close();
  });
});
