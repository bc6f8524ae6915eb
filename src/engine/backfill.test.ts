import { describe, expect, it } from 'vitest';
import { parseCuration, type CurationDefinition } from '../domain/curation.js';
import { ValidationError } from '../domain/errors.js';
import { curationFixture } from '../ports/state-store.contract.js';
import { planBackfill } from './backfill.js';

const def = (patch: Partial<CurationDefinition> = {}) => parseCuration(curationFixture(patch));
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('planBackfill', () => {
  it('lists cron fires in [from, to], bounds included, oldest first', () => {
    const fires = planBackfill(def({ cronExpression: 'cron(0 12 * * ? *)' }), {
      from: new Date('2027-01-01T12:00:00Z'),
      to: new Date('2027-01-03T12:00:00Z'),
    });
    expect(iso(fires)).toEqual(['2027-01-01T12:00:00.000Z', '2027-01-02T12:00:00.000Z', '2027-01-03T12:00:00.000Z']);
  });

  it('reads cron fields in the curation time zone', () => {
    const fires = planBackfill(def({ cronExpression: 'cron(0 9 * * ? *)', timezone: 'Europe/Paris' }), {
      from: new Date('2027-07-01T00:00:00Z'),
      to: new Date('2027-07-02T23:59:59Z'),
    });
    expect(iso(fires)).toEqual(['2027-07-01T07:00:00.000Z', '2027-07-02T07:00:00.000Z']);
  });

  it('counts rate() fires from `from`', () => {
    const fires = planBackfill(def({ cronExpression: 'rate(6 hours)' }), {
      from: new Date('2027-01-01T01:00:00Z'),
      to: new Date('2027-01-01T20:00:00Z'),
    });
    expect(iso(fires)).toEqual(['2027-01-01T01:00:00.000Z', '2027-01-01T07:00:00.000Z', '2027-01-01T13:00:00.000Z', '2027-01-01T19:00:00.000Z']);
  });

  it('refuses a reversed range and one with more fires than maxRuns, naming the field', () => {
    const d = def({ cronExpression: 'rate(1 minute)' });
    const reversed = () => planBackfill(d, { from: new Date('2027-01-02T00:00:00Z'), to: new Date('2027-01-01T00:00:00Z') });
    expect(reversed).toThrow(ValidationError);
    expect(reversed).toThrow(/must not be before from/);
    const tooMany = () => planBackfill(d, { from: new Date('2027-01-01T00:00:00Z'), to: new Date('2027-01-01T01:00:00Z'), maxRuns: 60 });
    expect(tooMany).toThrow(/more than 60 fire times/);
    expect(planBackfill(d, { from: new Date('2027-01-01T00:00:00Z'), to: new Date('2027-01-01T00:59:00Z'), maxRuns: 60 })).toHaveLength(60);
  });
});
