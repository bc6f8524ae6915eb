import { describe, expect, it } from 'vitest';
import { formatCount } from './table.js';

describe('formatCount', () => {
  it('groups thousands as en-US toLocaleString does', () => {
    for (const n of [0, 1, 12, 999, 1000, 1234, 99_999, 100_000, 1_234_567, 1_000_000_000, Number.MAX_SAFE_INTEGER, -1, -1000, -1_234_567, 1.5, 1234.5678, 1e21, NaN, Infinity]) {
      expect(formatCount(n), String(n)).toBe(n.toLocaleString('en-US'));
    }
  });
});
