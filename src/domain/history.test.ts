import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RUN_STATUSES, splitStatuses } from './history.js';

describe('splitStatuses', () => {
  it('keeps the known statuses once each, in order, and names every other word (fast-check)', () => {
    const word = fc.oneof(fc.constantFrom(...RUN_STATUSES), fc.stringMatching(/^[a-z_]{1,10}$/));
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), fc.constantFrom('', ' ', '  '), (words, pad) => {
        const { statuses, unknown } = splitStatuses(words.map((w) => `${pad}${w}${pad}`).join(','));
        const known = words.filter((w) => (RUN_STATUSES as readonly string[]).includes(w));
        expect(statuses).toEqual([...new Set(known)]);
        expect(unknown).toEqual(words.filter((w) => !known.includes(w)));
      }),
    );
  });

  it('reads empty items as nothing', () => {
    expect(splitStatuses(',failed,,')).toEqual({ statuses: ['failed'], unknown: [] });
    expect(splitStatuses('')).toEqual({ statuses: [], unknown: [] });
  });
});
