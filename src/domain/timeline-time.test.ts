import { describe, expect, it } from 'vitest';
import { bucketWidthMs, timelinePlacement } from './timeline-time.js';

describe('timelinePlacement', () => {
  const base = { timestamp: Date.UTC(2027, 0, 4, 10, 0, 5), startedAt: '2027-01-04T10:00:00.200Z' };

  it('places a backfill run at its scheduled time, days before it started', () => {
    const record = { ...base, scheduledTime: '2026-12-05T00:00:00.000Z' };
    expect(timelinePlacement(record, 'scheduled')).toStrictEqual({ at: Date.UTC(2026, 11, 5), fallback: false });
    expect(timelinePlacement(record, 'started')).toStrictEqual({ at: Date.parse(base.startedAt), fallback: false });
  });

  it('falls back to the start time, and says so, for a run without a scheduled time', () => {
    expect(timelinePlacement(base, 'scheduled')).toStrictEqual({ at: Date.parse(base.startedAt), fallback: true });
  });

  it('uses the record timestamp for a sample record without startedAt', () => {
    expect(timelinePlacement({ timestamp: base.timestamp }, 'scheduled')).toStrictEqual({ at: base.timestamp, fallback: true });
  });
});

describe('bucketWidthMs', () => {
  it('picks the narrowest round width that fits', () => {
    expect(bucketWidthMs(0, 24 * 3600_000, 500)).toBe(300_000);
    expect(bucketWidthMs(0, 3600_000, 4000)).toBe(1000);
    expect(bucketWidthMs(0, 30 * 86_400_000, 500)).toBe(7_200_000);
  });

  it('never exceeds maxBuckets, beyond a day per bucket too', () => {
    for (const [span, max] of [[1, 1], [999_999_937, 7], [400 * 86_400_000, 100]] as const) {
      expect(Math.ceil(span / bucketWidthMs(0, span, max))).toBeLessThanOrEqual(max);
    }
  });
});
