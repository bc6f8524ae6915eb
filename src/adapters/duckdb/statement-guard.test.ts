import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryFailedError, SandboxError } from '../../domain/errors.js';
import { BucketPaths } from '../localfs/bucket-paths.js';
import { errorPosition } from './duckdb-errors.js';
import { DuckDbQueryEngine } from './duckdb-query-engine.js';
import { STATEMENT_KEYWORDS } from './statement-guard.js';

// The guard through the engine's own dry run (explain), on a real DuckDB with one catalog table.

let root: string;
let engine: DuckDbQueryEngine;
/** Every DuckDB keyword, upper-cased, as DuckDB itself lists them. */
let keywords: ReadonlySet<string>;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'adp-guard-'));
  const paths = new BucketPaths(path.join(root, 'buckets'));
  const dir = path.join(paths.bucketDir('lake'), 'orders');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'o.csv'), 'id,amount\n1,10\n');
  engine = await DuckDbQueryEngine.open({
    paths,
    stagingDir: path.join(root, 'staging'),
    tables: [{ database: 'shop', name: 'orders', location: { bucket: 'lake', prefix: 'orders' }, format: 'csv', hivePartitioning: false }],
  });
  keywords = new Set(await listKeywords());
});

afterAll(async () => {
  await engine?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/** DuckDB's keyword list, read with a throwaway in-memory DuckDB (the sandboxed engine refuses table functions it does not know). */
async function listKeywords(): Promise<string[]> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const connection = await instance.connect();
    const rows = (await connection.runAndReadAll('select upper(keyword_name) from duckdb_keywords()')).getRows();
    connection.closeSync();
    return rows.map((r) => String(r[0]));
  } finally {
    instance.closeSync();
  }
}

async function refusal(sql: string): Promise<unknown> {
  return engine.explain(sql, 'shop').then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('statement guard: typos are syntax errors, not sandbox violations', () => {
  it('reports `SELEC * FRM orders` as a QUERY_FAILED parser error naming the word and its position', async () => {
    const e = await refusal('SELEC * FRM orders');
    expect(e).toBeInstanceOf(QueryFailedError);
    expect((e as QueryFailedError).code).toBe('QUERY_FAILED');
    expect((e as Error).message).toBe('Parser Error: syntax error at or near "SELEC" (line 1, column 1)');
  });

  it('locates a typo after a comment, on a later line', async () => {
    const e = await refusal('-- daily\n  SELEC *\n FRM orders');
    expect(e).toBeInstanceOf(QueryFailedError);
    expect((e as Error).message).toMatch(/syntax error at or near "SELEC" \(line 2, column 3\)$/);
  });

  it('locates a typo later in a query that starts well', async () => {
    const e = await refusal('select *\nfrom orders\nwhere id = = 1');
    expect(e).toBeInstanceOf(QueryFailedError);
    expect((e as Error).message).toMatch(/\(line 3, column 12\)$/);
  });

  it('every statement keyword it refuses up front is a DuckDB keyword (so no plain word is mistaken for one)', () => {
    expect([...STATEMENT_KEYWORDS].filter((k) => !keywords.has(k))).toEqual([]);
  });

  it('never reports a random non-keyword first word as a sandbox violation (fast-check)', async () => {
    const word = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,11}$/).filter((w) => !keywords.has(w.toUpperCase()));
    const tail = fc.constantFrom(' * FRM orders', ' * from orders', '', ' 1', '(1)', ' id, amount from shop.orders where id = 1', "; ATTACH ':memory:' AS m", ' INTO x SELECT 1');
    await fc.assert(
      fc.asyncProperty(word, tail, async (w, t) => {
        const e = await refusal(`${w}${t}`);
        expect(e).toBeInstanceOf(QueryFailedError);
        expect(e).not.toBeInstanceOf(SandboxError);
        expect((e as Error).message).toContain(`syntax error at or near "${w}"`);
      }),
      { numRuns: 200 },
    );
  });

  it('always reports the forbidden statements as SANDBOX_VIOLATION, however they go on (fast-check)', async () => {
    const forbidden = fc.constantFrom('COPY', 'ATTACH', 'INSTALL', 'LOAD', 'SET', 'PRAGMA', 'CREATE', 'INSERT', 'EXPORT', 'CALL', 'DETACH', 'USE');
    const casing = fc.constantFrom((s: string) => s, (s: string) => s.toLowerCase(), (s: string) => s[0] + s.slice(1).toLowerCase());
    const tail = fc.oneof(
      fc.constantFrom(" ':memory:' AS m", ' httpfs', ' threads = 1', ' show_tables', " (select 1) TO '/tmp/x.csv'", ' t AS SELECT 1'),
      fc.string({ maxLength: 30 }).map((s) => ` ${s}`),
    );
    const lead = fc.constantFrom('', '  ', '-- note\n', '/* c */ ');
    await fc.assert(
      fc.asyncProperty(lead, forbidden, casing, tail, async (l, k, c, t) => {
        const e = await refusal(`${l}${c(k)}${t}`);
        expect(e).toBeInstanceOf(SandboxError);
        expect((e as SandboxError).code).toBe('SANDBOX_VIOLATION');
      }),
      { numRuns: 200 },
    );
  });

  it('keeps a second statement after a valid query a SANDBOX_VIOLATION (fast-check)', async () => {
    const second = fc.constantFrom("ATTACH ':memory:' AS m", 'SET threads = 1', 'PRAGMA show_tables', 'select 2', 'INSTALL httpfs', "COPY (select 1) TO '/tmp/x.csv'");
    await fc.assert(
      fc.asyncProperty(second, async (s) => {
        expect(await refusal(`select * from orders; ${s}`)).toBeInstanceOf(SandboxError);
      }),
      { numRuns: 30 },
    );
  });
});

describe('errorPosition', () => {
  const diagram = (shown: string, caret: number) => new Error(`Parser Error: x\n\nLINE 1: ${shown}\n${' '.repeat(8 + caret)}^`);

  it('reads line and column from the caret diagram', () => {
    expect(errorPosition(diagram('select 1 frm t', 13), 'select 1 frm t')).toEqual({ line: 1, column: 14 });
    const e = new Error('Parser Error: syntax error at or near "="\n\nLINE 3: where x = = 1\n                  ^');
    expect(errorPosition(e, 'select 1\nfrom t\nwhere x = = 1')).toEqual({ line: 3, column: 11 });
  });

  it('finds a shortened line again in the SQL, and gives only the line when that window occurs twice', () => {
    const sql = `select ${Array.from({ length: 30 }, (_, i) => `column_${i}`).join(', ')} frm t`;
    const shown = `...${sql.slice(60, 100)}...`;
    expect(errorPosition(diagram(shown, 3 + 10), sql)).toEqual({ line: 1, column: 71 });
    const repeated = `select ${'a, '.repeat(40)}b frm t`;
    expect(errorPosition(diagram(`...${repeated.slice(60, 100)}...`, 13), repeated)).toEqual({ line: 1 });
  });

  it('gives only the line when non-ASCII text makes the caret column unreliable, and nothing without a diagram', () => {
    expect(errorPosition(diagram("select 'é' frm t", 15), "select 'é' frm t")).toEqual({ line: 1 });
    expect(errorPosition(new Error('Binder Error: no diagram'), 'select 1')).toBeUndefined();
  });
});
