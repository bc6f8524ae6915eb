import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextFireTimes, parseScheduleExpression } from '../domain/schedule/index.js';
import { curationFixture } from '../ports/state-store.contract.js';
import { curationSchedule } from './curation-schedule.js';
import { DueQueue } from './due-queue.js';
import { planTicks } from './tick-plan.js';
import { lastTicks, nextTick } from './ticks.js';

const CREATED = '2027-01-04T10:00:30.000Z';
const schedule = (cronExpression: string, extra: Record<string, unknown> = {}) =>
  curationSchedule({ definition: curationFixture({ cronExpression, ...extra }), createdAt: CREATED, updatedAt: CREATED, version: 1 });

/** Every tick in (after, until], walking forward from `after`. */
function forwardWalk(expr: string, tz: string, afterMs: number, untilMs: number): number[] {
  const out: number[] = [];
  let cursor = new Date(afterMs);
  for (;;) {
    const batch = nextFireTimes(parseScheduleExpression(expr), { after: cursor, count: 64, timezone: tz });
    for (const d of batch) {
      if (d.getTime() > untilMs) return out;
      out.push(d.getTime());
    }
    if (batch.length < 64) return out;
    cursor = batch[63]!;
  }
}

describe('ticks of a curation', () => {
  it('start a rate() one period after creation, or at startDate exactly', () => {
    expect(new Date(nextTick(schedule('rate(5 minutes)'), 0)!).toISOString()).toBe('2027-01-04T10:05:30.000Z');
    const started = schedule('rate(1 hour)', { startDate: '2027-02-01T00:00:00Z' });
    expect(new Date(nextTick(started, 0)!).toISOString()).toBe('2027-02-01T00:00:00.000Z');
    expect(new Date(nextTick(started, Date.parse('2027-02-01T00:00:00Z'))!).toISOString()).toBe('2027-02-01T01:00:00.000Z');
  });

  it('never fire a cron() before its startDate', () => {
    const s = schedule('cron(0 12 * * ? *)', { startDate: '2027-03-01T12:00:00Z' });
    expect(new Date(nextTick(s, 0)!).toISOString()).toBe('2027-03-01T12:00:00.000Z');
  });

  it('lastTicks counts rate() ticks arithmetically, however long the gap', () => {
    const s = schedule('rate(1 minute)', { startDate: '2020-01-01T00:00:00Z' });
    const until = Date.parse('2027-01-01T00:00:30Z');
    const got = lastTicks(s, Date.parse('2020-01-01T00:00:00Z'), until, 2);
    expect(got.ticks.map((t) => new Date(t).toISOString())).toEqual(['2026-12-31T23:59:00.000Z', '2027-01-01T00:00:00.000Z']);
    expect(got.more).toBe(true);
    expect(got.older).toBe((until - 30_000 - Date.parse('2020-01-01T00:00:00Z')) / 60_000 - 2);
  });

  it('lastTicks over a cron() equals the tail of a forward walk (property)', () => {
    const exprs = ['cron(0/7 * * * ? *)', 'cron(0 9 ? * MON-FRI *)', 'cron(30 2 * * ? *)', 'cron(0 0 L * ? *)', 'cron(15 10 ? * 6#3 *)'];
    const zones = ['UTC', 'America/New_York', 'Europe/London', 'Australia/Sydney', 'Asia/Kathmandu'];
    fc.assert(
      fc.property(
        fc.constantFrom(...exprs),
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 300 * 86_400_000 }),
        fc.integer({ min: 1, max: 6 * 86_400_000 }),
        fc.integer({ min: 1, max: 12 }),
        (expr, tz, offset, span, k) => {
          const after = Date.parse('2027-01-05T00:00:00Z') + offset;
          const s = schedule(expr, { timezone: tz });
          const all = forwardWalk(expr, tz, after, after + span);
          const got = lastTicks(s, after, after + span, k);
          expect(got.ticks).toEqual(all.slice(-k));
          if (all.length > k) expect(got.more).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('planTicks', () => {
  const base = { more: false, nowMs: 10 * 60_000 + 1_000, graceMs: 5_000, maxCatchUp: 3 };
  const missed = [7, 8, 9].map((m) => m * 60_000);
  const onTime = [10 * 60_000];

  it('always runs on-time ticks and applies catchUp to missed ones', () => {
    expect(planTicks({ ...base, ticks: [...missed, ...onTime], catchUp: 'none' })).toEqual({ run: onTime, passed: 3, morePassed: false });
    expect(planTicks({ ...base, ticks: [...missed, ...onTime], catchUp: 'latest' })).toEqual({ run: onTime, passed: 3, morePassed: false });
    expect(planTicks({ ...base, ticks: missed, catchUp: 'latest' })).toEqual({ run: [9 * 60_000], passed: 2, morePassed: false });
    expect(planTicks({ ...base, ticks: [...missed, ...onTime], catchUp: 'all', maxCatchUp: 2 })).toEqual({
      run: [8 * 60_000, 9 * 60_000, ...onTime],
      passed: 1,
      morePassed: false,
    });
  });

  it('counts older ticks it was told about', () => {
    expect(planTicks({ ...base, ticks: missed, more: true, older: 100, catchUp: 'none' })).toEqual({ run: [], passed: 103, morePassed: false });
    expect(planTicks({ ...base, ticks: missed, more: true, catchUp: 'none' }).morePassed).toBe(true);
  });
});

describe('DueQueue', () => {
  it('pops entries in time order (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 200 }), (times) => {
        const q = new DueQueue();
        times.forEach((at, i) => q.push({ at, key: String(i), gen: 0 }));
        const out: number[] = [];
        for (let e = q.pop(); e; e = q.pop()) out.push(e.at);
        expect(out).toEqual([...times].sort((a, b) => a - b));
      }),
    );
  });

  it('compacts away stale entries', () => {
    const q = new DueQueue();
    for (let i = 0; i < 10; i++) q.push({ at: i, key: 'k', gen: i });
    q.compact((e) => e.gen === 9);
    expect(q.size).toBe(1);
    expect(q.pop()).toEqual({ at: 9, key: 'k', gen: 9 });
  });
});
