import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AsciiWriter } from './ascii-writer.js';

function written(write: (w: AsciiWriter) => void): string {
  const w = new AsciiWriter(16);
  w.reserve(64);
  write(w);
  return w.text();
}

describe('AsciiWriter', () => {
  it('writes integers as String() does, zero-padded', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 12 }), (n, width) => {
        expect(written((w) => w.uint(n, width))).toBe(String(n).padStart(width, '0'));
      }),
    );
  });

  it('writes hex as toString(16) does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (n) => {
        expect(written((w) => w.hex32(n, 8))).toBe(n.toString(16).padStart(8, '0'));
        expect(written((w) => w.hex32(n & 0xfff, 3))).toBe((n & 0xfff).toString(16).padStart(3, '0'));
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (n) => {
        expect(written((w) => w.hex48(n))).toBe(n.toString(16).padStart(12, '0'));
      }),
    );
  });

  it('writes fixed-point numbers that are valid JSON and within half a unit of the value', () => {
    fc.assert(
      fc.property(fc.double({ min: -180, max: 180, noNaN: true }), fc.constantFrom(2, 6), (v, d) => {
        const text = written((w) => w.fixed(v, d));
        expect(text).toMatch(new RegExp(`^-?(0|[1-9]\\d*)\\.\\d{${d}}$`));
        expect(Math.abs(JSON.parse(text) - v)).toBeLessThanOrEqual(0.5 * 10 ** -d + 1e-9);
      }),
    );
    expect(written((w) => w.fixed(-122.1234567, 6))).toBe('-122.123457');
    expect(written((w) => w.fixed(-0.0000001, 6))).toBe('0.000000');
  });

  it('grows past its first buffer and writes ASCII text as given', () => {
    const w = new AsciiWriter(1);
    for (let i = 0; i < 500; i++) {
      w.reserve(8);
      w.str('abc,');
    }
    expect(w.length).toBe(2000);
    expect(w.text()).toBe('abc,'.repeat(500));
  });
});
