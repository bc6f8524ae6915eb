import { describe, expect, it } from 'vitest';
import { parseZonedInstant } from './instant.js';

describe('parseZonedInstant: an instant typed by a person carries its zone', () => {
  it.each([
    ['2027-01-01T00:00:00Z', Date.UTC(2027, 0, 1)],
    ['2027-01-01t00:00z', Date.UTC(2027, 0, 1)],
    ['2027-01-01T01:00:00+01:00', Date.UTC(2027, 0, 1)],
    ['2026-12-31T19:00:00.5-05:00', Date.UTC(2027, 0, 1, 0, 0, 0, 500)],
    ['2028-02-29T12:00:00Z', Date.UTC(2028, 1, 29, 12)],
  ])('reads %s', (text, ms) => {
    expect(parseZonedInstant(text)).toBe(ms);
  });

  it.each(['2026-11-27', '2026-11-27T00:00:00', '2026-11-27 00:00:00Z', '2027-02-29T00:00:00Z', '2027-02-30T00:00:00Z', '2027-01-01T24:00:00Z', '2027-01-01T00:00:00+01', '2027-01-01T00:00:00+25:00', 'yesterday', '1798761600000'])(
    'refuses %s',
    (text) => {
      expect(parseZonedInstant(text)).toBeUndefined();
    },
  );
});
