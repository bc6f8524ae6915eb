import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_OUTPUT_COPIES,
  executionName,
  executionNameTime,
  finalOutputKey,
  numberedOutputKey,
  outputKeyNumber,
  randomSuffix,
  scheduleRuleName,
  utcStamp,
} from './naming.js';

describe('naming', () => {
  it('matches the sample example', () => {
    expect(executionName(new Date('2027-01-04T10:00:00Z'), 'wildrydes-rydebooking', 'K3QZ8A')).toBe(
      '20270104100000K3QZ8A_wildrydes_rydebooking',
    );
    expect(scheduleRuleName('wildrydes-rydebooking')).toBe('wildrydes-rydebooking-scheduled-curation');
  });

  it('rule names: the sample\'s name when it fits in 64 characters, else a cut plus a hash, distinct per type (property)', () => {
    const type = fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/);
    fc.assert(
      fc.property(type, type, (a, b) => {
        const name = scheduleRuleName(a);
        expect(name.length).toBeLessThanOrEqual(64);
        expect(name).toMatch(/^[A-Za-z0-9._-]+-scheduled-curation$/);
        if (a.length <= 45) expect(name).toBe(`${a}-scheduled-curation`);
        if (a !== b) expect(scheduleRuleName(b)).not.toBe(name);
      }),
    );
    expect(scheduleRuleName('x'.repeat(64))).toBe(scheduleRuleName('x'.repeat(64)));
  });

  it('execution names: stamp, 6 of [A-Z0-9], "_", the type with non-word runs replaced, at most 80', () => {
    const date = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true });
    fc.assert(
      fc.property(date, fc.string({ minLength: 1, maxLength: 64 }), (at, type) => {
        const name = executionName(at, type);
        expect(name.length).toBeLessThanOrEqual(80);
        expect(name).toMatch(/^\d{14}[A-Z0-9]{6}_\w*$/);
        expect(name.slice(0, 14)).toBe(utcStamp(at));
        expect(name.slice(21)).toBe(type.replace(/\W+/g, '_').slice(0, 59));
        expect(executionNameTime(name)?.getTime()).toBe(Math.floor(at.getTime() / 1000) * 1000);
      }),
    );
  });

  it('random suffixes are 6 of [A-Z0-9] for any random source', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (x) => {
      expect(randomSuffix(() => x)).toMatch(/^[A-Z0-9]{6}$/);
    }));
  });

  it('final keys: folder + filename [+ stamp] or the query id + extension', () => {
    const base = { folder: 'out/', stamp: '20270104100000', queryExecutionId: 'q-1', format: 'csv' as const };
    expect(finalOutputKey({ ...base, filename: 'report', includeTimestamp: true })).toBe('out/report20270104100000.csv');
    expect(finalOutputKey({ ...base, filename: 'report', includeTimestamp: false })).toBe('out/report.csv');
    expect(finalOutputKey({ ...base, filename: undefined, includeTimestamp: undefined })).toBe('out/q-1.csv');
    expect(finalOutputKey({ ...base, folder: '', filename: 'r', includeTimestamp: false, format: 'parquet' })).toBe('r.parquet');
  });

  it('numbers a taken output name before its extension, and reads the number back', () => {
    expect(numberedOutputKey('wildrydes/wildrydes20261202060159.csv', 1)).toBe('wildrydes/wildrydes20261202060159.csv');
    expect(numberedOutputKey('wildrydes/wildrydes20261202060159.csv', 2)).toBe('wildrydes/wildrydes20261202060159-2.csv');
    expect(numberedOutputKey('a.b/my.report.json', 3)).toBe('a.b/my.report-3.json');
    expect(numberedOutputKey('a.b/noext', 2)).toBe('a.b/noext-2');
    expect(() => numberedOutputKey('x.csv', 0)).toThrow(RangeError);
    expect(outputKeyNumber('x.csv', 'x-2.csv')).toBe(2);
    expect(outputKeyNumber('x-2.csv', 'x-2.csv')).toBe(1);
    expect(outputKeyNumber('x.csv', 'y-2.csv')).toBeUndefined();
    expect(outputKeyNumber('x.csv', 'x-1.csv')).toBeUndefined();
    const segment = fc.stringMatching(/^[A-Za-z0-9._=-]{1,20}$/).filter((s) => s !== '.' && s !== '..');
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 3 }), segment, fc.constantFrom('csv', 'json', 'parquet'), fc.integer({ min: 1, max: MAX_OUTPUT_COPIES }), (folders, name, ext, n) => {
        const base = [...folders, `${name}.${ext}`].join('/');
        const key = numberedOutputKey(base, n);
        expect(outputKeyNumber(base, key)).toBe(n);
        expect(key.endsWith(`.${ext}`)).toBe(true);
        expect(key.slice(0, key.lastIndexOf('/') + 1)).toBe(base.slice(0, base.lastIndexOf('/') + 1));
      }),
    );
  });
});
