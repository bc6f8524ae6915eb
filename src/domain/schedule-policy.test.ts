import { describe, expect, it } from 'vitest';
import { configSchema } from './config.js';
import { parseCuration } from './curation.js';
import { ValidationError } from './errors.js';
import { resolveSchedulePolicy } from './schedule-policy.js';
import { curationFixture } from '../ports/state-store.contract.js';

function issues(patch: Record<string, unknown>): string[] {
  try {
    parseCuration({ ...curationFixture(), ...patch });
    return [];
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return e.issues.map((i) => `${i.path}: ${i.message}`);
  }
}

describe('scheduling fields of a definition', () => {
  it('accepts the extensions and resolves their defaults', () => {
    const def = parseCuration({
      ...curationFixture(),
      timezone: 'Asia/Kathmandu',
      catchUp: 'all',
      maxCatchUp: 3,
      overlap: 'cancelRunning',
      startDate: '2027-01-01T00:00:00+01:00',
    });
    expect(resolveSchedulePolicy(def)).toEqual({
      enabled: true,
      timezone: 'Asia/Kathmandu',
      catchUp: 'all',
      maxCatchUp: 3,
      overlap: 'cancelRunning',
      startMs: Date.parse('2026-12-31T23:00:00Z'),
    });
    expect(resolveSchedulePolicy(curationFixture({ enabled: false }))).toEqual({
      enabled: false,
      timezone: 'UTC',
      catchUp: 'latest',
      maxCatchUp: 10,
      overlap: 'skip',
    });
  });

  it.each([
    [{ timezone: 'Mars/Olympus' }, /^timezone: must be an IANA time zone/],
    [{ catchUp: 'some' }, /^catchUp: must be one of "none", "latest", "all", got "some"/],
    [{ maxCatchUp: 0 }, /^maxCatchUp: /],
    [{ maxCatchUp: 2.5 }, /^maxCatchUp: /],
    [{ overlap: 'parallel' }, /^overlap: must be one of "skip", "queue", "cancelRunning"/],
    [{ startDate: '2027-01-01' }, /^startDate: must be an ISO-8601 date-time with a zone/],
    [{ startDate: '2027-01-01T00:00:00' }, /^startDate: /],
  ])('refuses %j, naming the field', (patch, message) => {
    const got = issues(patch);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(message);
  });
});

describe('scheduler settings in adp.config.json', () => {
  it('default to 4 concurrent runs, 30 s leases and sub-second polling', () => {
    const config = configSchema.parse({});
    expect(config.maxConcurrentRuns).toBe(4);
    expect(config.leaseSeconds).toBe(30);
    expect(config.scheduler).toEqual({ pollMs: 500, misfireGraceMs: 5000, shutdownGraceSeconds: 30 });
  });

  it('refuse nonsense', () => {
    expect(configSchema.safeParse({ maxConcurrentRuns: 0 }).success).toBe(false);
    expect(configSchema.safeParse({ scheduler: { pollMs: 1 } }).success).toBe(false);
    expect(configSchema.safeParse({ scheduler: { tickMs: 10 } }).success).toBe(false);
  });
});
