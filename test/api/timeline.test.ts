import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyRecordFixture } from '../../src/ports/state-store.contract.js';
import { bodyOf, startTestServer, type TestServer } from './harness.js';

const BASE = Date.UTC(2027, 0, 1);
const HOUR = 3600_000;

describe('HTTP API: GET /timeline', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    // 240 runs over 24 h (one each 6 min) in two curations; every 4th failed; the beta runs are a backfill scheduled 10 days earlier.
    for (let i = 0; i < 240; i++) {
      const curationType = i % 2 === 0 ? 'alpha' : 'beta';
      const startedMs = BASE + i * 360_000;
      await t.project.state.finishRun(
        historyRecordFixture({
          curationType,
          curationExecutionName: `20270101000000R${String(i).padStart(5, '0')}_${curationType}`,
          timestamp: startedMs + 2_000 + i,
          startedAt: new Date(startedMs).toISOString(),
          durationMs: 2_000 + i,
          status: i % 4 === 1 ? 'failed' : 'succeeded',
          ...(curationType === 'beta' ? { scheduledTime: new Date(startedMs - 240 * HOUR).toISOString(), trigger: 'backfill' } : { trigger: 'manual', scheduledTime: undefined }),
        }),
      );
    }
  });
  afterAll(async () => {
    expect(t.internalErrors).toEqual([]);
    await t.close();
  });

  it('returns each run (status, times, duration only) when there are at most pointLimit', async () => {
    const body = await t.json(`/api/v1/timeline?from=${BASE}&to=${BASE + HOUR - 1}`);
    expect(body).toMatchObject({ from: BASE, to: BASE + HOUR - 1, by: 'started', total: 10 });
    expect(body.points).toHaveLength(10);
    expect(body.points[1]).toEqual({
      name: '20270101000000R00001_beta',
      curationType: 'beta',
      status: 'failed',
      at: BASE + 360_000,
      startedAt: BASE + 360_000,
      durationMs: 2_001,
      scheduled: true,
    });
    expect(Object.keys(body)).not.toContain('cells');
  });

  it('places a backfill by its scheduled time with by=scheduled', async () => {
    const body = await t.json(`/api/v1/timeline?from=${BASE}&to=${BASE + HOUR - 1}&by=scheduled`);
    expect(body.points.find((p: { curationType: string }) => p.curationType === 'beta').at).toBe(BASE + 360_000 - 240 * HOUR);
    expect(body.points.find((p: { curationType: string }) => p.curationType === 'alpha')).toMatchObject({ at: BASE, scheduled: false });
  });

  it('counts runs per bucket, status and duration band past pointLimit, with buckets across the drawn range', async () => {
    const body = await t.json(`/api/v1/timeline?from=${BASE}&to=${BASE + 24 * HOUR}&pointLimit=100&buckets=24`);
    expect(body.total).toBe(240);
    expect(body.points).toBeUndefined();
    expect(body.bucketMinutes).toBe(60);
    const sum = body.cells.reduce((n: number, c: { count: number }) => n + c.count, 0);
    expect(sum).toBe(240);
    const first = body.cells.filter((c: { minute: number }) => c.minute === BASE / 60_000);
    expect(first).toEqual([
      { minute: BASE / 60_000, status: 'failed', band: 3, count: 3, unscheduled: 0, minDurationMs: 2_001, maxDurationMs: 2_009 },
      { minute: BASE / 60_000, status: 'succeeded', band: 3, count: 7, unscheduled: 0, minDurationMs: 2_000, maxDurationMs: 2_008 },
    ]);
    // By scheduled time the drawn range reaches back 10 days, and the buckets widen to fit all 11 days in 24.
    const scheduled = await t.json(`/api/v1/timeline?from=${BASE}&to=${BASE + 24 * HOUR}&pointLimit=100&buckets=24&by=scheduled`);
    expect(scheduled.bucketMinutes).toBe(720); // 11 days in 24 buckets: 11 h each, rounded up to 12 h
    expect(scheduled.cells[0].minute * 60_000).toBeLessThanOrEqual(BASE - 240 * HOUR);
  });

  it('filters by curation, status list and a piece of the name', async () => {
    const q = `from=${BASE}&to=${BASE + 24 * HOUR}`;
    expect((await t.json(`/api/v1/timeline?${q}&curationType=beta`)).total).toBe(120);
    expect((await t.json(`/api/v1/timeline?${q}&status=failed`)).total).toBe(60);
    expect((await t.json(`/api/v1/timeline?${q}&status=failed,succeeded`)).total).toBe(240);
    expect((await t.json(`/api/v1/timeline?${q}&q=R0000`)).total).toBe(10);
    expect((await t.json(`/api/v1/timeline?${q}&q=R0000&curationType=alpha&status=failed`)).total).toBe(0);
  });

  it('refuses bad parameters with 400 naming the field', async () => {
    for (const [query, field] of [
      ['to=1', 'from'],
      [`from=${BASE}&to=${BASE - 1}`, 'to'],
      [`from=${BASE}&status=broken`, 'status'],
      [`from=${BASE}&by=ended`, 'by'],
      [`from=${BASE}&pointLimit=99999`, 'pointLimit'],
      [`from=${BASE}&buckets=1`, 'buckets'],
      [`from=${BASE}&limit=5`, 'limit'],
    ] as const) {
      const res = await t.api(`/api/v1/timeline?${query}`);
      expect(res.status, query).toBe(400);
      expect(JSON.stringify(await bodyOf(res)), query).toContain(field);
    }
  });
});
