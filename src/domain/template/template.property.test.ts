import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relativePathSchema } from '../names.js';
import { checkRenderedKeyPart, checkTemplate, renderTemplate, BUILTIN_VARIABLES, type TemplateScope, type TemplateValue } from './index.js';

const scopeWith = (params: Record<string, TemplateValue>): TemplateScope => ({
  variables: {
    scheduled_time: { type: 'timestamp', value: 0 },
    interval_start: { type: 'timestamp', value: 0 },
    interval_end: { type: 'timestamp', value: 0 },
    run_id: { type: 'string', value: 'r' },
    curation_type: { type: 'string', value: 'c' },
  },
  params,
  timezone: 'UTC',
});

/** Text made to break out: quotes, comment openers, semicolons, backslashes, braces, any unicode. */
const hostile = fc.oneof(
  fc.string({ unit: fc.constantFrom("'", '"', '\\', ';', '--', '/*', '*/', '$$', '{{', '}}', ')', '(', '\n', 'E', 'x', ' ', '.', '/') }),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
).filter((s) => !s.includes('\0'));

describe('templates, property-based (fast-check) against DuckDB', () => {
  let db: DuckDBInstance;
  let c: DuckDBConnection;
  beforeAll(async () => {
    db = await DuckDBInstance.create(':memory:');
    c = await db.connect();
  });
  afterAll(() => {
    c.closeSync();
    db.closeSync();
  });

  it('no string breaks out of its literal: the query returns exactly that string in one column', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (s) => {
        const sql = renderTemplate('select 1 as a, {{ params.s }} as v -- trailing', 'sql', 'sql', scopeWith({ s: { type: 'string', value: s } }));
        const rows = (await c.runAndReadAll(sql)).getRowsJS();
        expect(rows).toEqual([[1, s]]);
      }),
      { numRuns: 300 },
    );
  });

  it('numbers stay numbers, even after a minus sign', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 }), async (n, x) => {
        const sql = renderTemplate('select 10-{{ params.n }} as a, {{ params.x }} as b', 'sql', 'sql', scopeWith({ n: { type: 'int', value: n }, x: { type: 'number', value: x } }));
        const [[a, b]] = (await c.runAndReadAll(sql)).getRowsJS() as [[bigint | number, number]];
        expect(Number(a)).toBe(10 - n);
        expect(b === x).toBe(true); // -0 renders as 0
      }),
      { numRuns: 200 },
    );
  });

  it('a path value never adds a folder or climbs out of one', () => {
    fc.assert(
      fc.property(hostile, hostile, (a, b) => {
        const folder = renderTemplate('out/{{ params.a }}/x={{ params.b }}/', 'f', 'path', scopeWith({ a: { type: 'string', value: a }, b: { type: 'string', value: b } }));
        const segments = folder.split('/');
        expect(segments.length).toBe(4);
        expect(segments[0]).toBe('out');
        expect(segments.every((s, i) => i === 3 || (s !== '' && s !== '.' && s !== '..' && !s.includes('..')))).toBe(true);
        expect(relativePathSchema('bucket').safeParse(folder).success).toBe(true);
        const name = renderTemplate('{{ params.a }}', 'f', 'path', scopeWith({ a: { type: 'string', value: a } }));
        if (name.length <= 200) expect(checkRenderedKeyPart('outputDetails.filename', name)).toBe(name);
      }),
      { numRuns: 500 },
    );
  });

  it('an unknown variable or parameter is refused, naming it', () => {
    const ident = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/);
    fc.assert(
      fc.property(ident, ident, (v, p) => {
        fc.pre(!(v in BUILTIN_VARIABLES) && v !== 'params');
        const issues = checkTemplate(`select {{ ${v} }}, {{ params.${p} }}`, 'sql', 'sql', { other: 'string' });
        const text = issues.map((i) => i.message).join('\n');
        expect(text).toContain(`unknown variable '${v}'`);
        expect(text).toContain(`unknown parameter 'params.${p}'`);
      }),
      { numRuns: 300 },
    );
  });
});
