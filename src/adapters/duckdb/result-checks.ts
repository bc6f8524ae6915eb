import fs from 'node:fs/promises';
import { DuckDBInstance, StatementType } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { OutputFormat } from '../../domain/curation.js';
import type { QualityCheck, QualityObservation } from '../../domain/quality-checks.js';
import { duckDbMessage } from './duckdb-errors.js';
import { quoteIdent, quoteString } from './sql-literals.js';
import { checkQuery, prepareWrapped } from './statement-guard.js';
import type { ResultMetadata } from './result-files.js';

/** Where a raw result file is and what DuckDB may use to read it. */
export interface ResultFile {
  /** Absolute path of the raw result. */
  readonly file: string;
  readonly format: OutputFormat;
  /** Absolute directory for spill files (a big `unique`). */
  readonly tempDir: string;
  readonly memoryLimit?: string;
  readonly threads?: number;
}

const INTEGER_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT']);
/** Widest key range a `unique` on one integer column counts with a bitmap (16 MB) instead of hashing. */
const MAX_BITMAP_RANGE = 2n ** 27n;

/**
 * Measures quality checks over one raw result, in a DuckDB instance of its
 * own whose sandbox reaches that file and nothing else (`allowed_paths`,
 * external access off, configuration locked, extensions neither installed
 * nor loaded): the relation `result` is a view of the file. The built-in
 * checks share one scan; a `sql` check is the user's text, refused unless it
 * is a single SELECT, then counted as `SELECT count(*) FROM (…)`. A check
 * that cannot run (an unknown column, a refused query) gets an error, the
 * others still run.
 *
 * @example
 * await measureChecks({ file: '/home/buckets/raw/q.parquet', format: 'parquet', tempDir }, [{ type: 'notNull', columns: ['id'] }])
 * // [{ observed: 0 }]
 */
export async function measureChecks(result: ResultFile, checks: readonly QualityCheck[]): Promise<QualityObservation[]> {
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const connection = await instance.connect();
    await sandboxFor(connection, result);
    const columns = await describe(connection);
    const out: (QualityObservation | undefined)[] = checks.map((check) => missingColumn(check, columns));
    await measureBuiltIns(connection, checks, columns, out);
    for (const [i, check] of checks.entries()) {
      if (check.type === 'sql' && !out[i]) out[i] = await measureSql(connection, check.query);
    }
    connection.closeSync();
    return out.map((o) => o ?? { error: 'not measured' });
  } finally {
    instance.closeSync();
  }
}

async function sandboxFor(connection: DuckDBConnection, r: ResultFile): Promise<void> {
  await fs.mkdir(r.tempDir, { recursive: true });
  const statements = [
    `SET allowed_paths = [${quoteString(r.file)}]`,
    `SET allowed_directories = [${quoteString(r.tempDir.endsWith('/') ? r.tempDir : `${r.tempDir}/`)}]`,
    'SET autoinstall_known_extensions = false',
    'SET autoload_known_extensions = false',
    ...(r.memoryLimit === undefined ? [] : [`SET memory_limit = ${quoteString(r.memoryLimit)}`]),
    ...(r.threads === undefined ? [] : [`SET threads = ${r.threads}`]),
    `SET temp_directory = ${quoteString(r.tempDir)}`,
    'SET enable_external_access = false',
    `CREATE VIEW result AS SELECT * FROM ${await reader(r)}`,
    'SET lock_configuration = true',
  ];
  for (const sql of statements) await connection.run(sql);
}

/** The table function that reads the file; a CSV gets the column types its `.metadata` side file recorded. */
async function reader(r: ResultFile): Promise<string> {
  const file = quoteString(r.file);
  if (r.format === 'parquet') return `read_parquet(${file})`;
  if (r.format === 'json') return `read_json(${file}, format = 'newline_delimited')`;
  const meta = await fs
    .readFile(`${r.file}.metadata`, 'utf8')
    .then((text) => JSON.parse(text) as ResultMetadata)
    .catch(() => undefined);
  const types = meta?.columns?.length ? `, columns = {${meta.columns.map((c) => `${quoteString(c.name)}: ${quoteString(c.type)}`).join(', ')}}` : '';
  return `read_csv(${file}, header = true${types})`;
}

async function describe(connection: DuckDBConnection): Promise<Map<string, string>> {
  const rows = (await connection.runAndReadAll('DESCRIBE result')).getRowsJS();
  return new Map(rows.map((row) => [String(row[0]), String(row[1])]));
}

function missingColumn(check: QualityCheck, columns: ReadonlyMap<string, string>): QualityObservation | undefined {
  const named = check.type === 'notNull' || check.type === 'unique' ? check.columns : check.type === 'accepted' ? [check.column] : [];
  const missing = named.filter((c) => !columns.has(c));
  if (missing.length === 0) return undefined;
  return { error: `no column ${missing.map((c) => `"${c}"`).join(', ')} in the result (its columns: ${[...columns.keys()].join(', ')})` };
}

const allNotNull = (cols: readonly string[]) => cols.map((c) => `${quoteIdent(c)} IS NOT NULL`).join(' AND ');

function literal(value: string | number | boolean): string {
  return typeof value === 'string' ? quoteString(value) : typeof value === 'number' ? String(value) : value ? 'TRUE' : 'FALSE';
}

/** One aggregate for every built-in check (and what a `unique` needs next), then one query per `unique`. */
async function measureBuiltIns(
  connection: DuckDBConnection,
  checks: readonly QualityCheck[],
  columns: ReadonlyMap<string, string>,
  out: (QualityObservation | undefined)[],
): Promise<void> {
  const terms: string[] = [];
  const slot = (expr: string) => terms.push(expr) - 1;
  const plan = checks.map((check, i) => {
    if (out[i]) return undefined;
    switch (check.type) {
      case 'rowCount':
        return { at: slot('count(*)') };
      case 'notNull':
        return { at: slot(`count(*) FILTER (WHERE NOT (${allNotNull(check.columns)}))`) };
      case 'accepted': {
        const c = quoteIdent(check.column);
        return { at: slot(`count(*) FILTER (WHERE ${c} IS NOT NULL AND ${c} NOT IN (${check.values.map(literal).join(', ')}))`) };
      }
      case 'unique': {
        const one = check.columns.length === 1 && INTEGER_TYPES.has(columns.get(check.columns[0]!) ?? '') ? quoteIdent(check.columns[0]!) : undefined;
        return {
          at: slot(`count(*) FILTER (WHERE ${allNotNull(check.columns)})`),
          range: one ? ([slot(`min(${one})::HUGEINT`), slot(`max(${one})::HUGEINT`)] as const) : undefined,
        };
      }
      case 'sql':
        return undefined;
    }
  });
  if (terms.length === 0) return;
  let row: unknown[];
  try {
    row = (await connection.runAndReadAll(`SELECT ${terms.join(', ')} FROM result`)).getRowsJS()[0] ?? [];
  } catch (e) {
    for (const [i, p] of plan.entries()) if (p) out[i] = { error: duckDbMessage(e) };
    return;
  }
  for (const [i, check] of checks.entries()) {
    const p = plan[i];
    if (!p) continue;
    const counted = Number(row[p.at] ?? 0);
    if (check.type !== 'unique') {
      out[i] = { observed: counted };
      continue;
    }
    try {
      const distinct = await distinctKeys(connection, check.columns, p.range && [row[p.range[0]], row[p.range[1]]]);
      out[i] = { observed: counted - distinct };
    } catch (e) {
      out[i] = { error: duckDbMessage(e) };
    }
  }
}

/**
 * Distinct non-null keys. One integer column whose values span at most
 * MAX_BITMAP_RANGE is counted with `bitstring_agg` (one pass, no hash
 * table: several times faster on millions of rows); anything else groups.
 */
async function distinctKeys(connection: DuckDBConnection, cols: readonly string[], range: readonly unknown[] | undefined): Promise<number> {
  const where = allNotNull(cols);
  let sql: string;
  if (range && range[0] !== null && range[1] !== null) {
    const [min, max] = [BigInt(range[0] as bigint), BigInt(range[1] as bigint)];
    if (max - min + 1n <= MAX_BITMAP_RANGE) {
      const c = quoteIdent(cols[0]!);
      sql = `SELECT bit_count(bitstring_agg(${c}, ${min}, ${max})) FROM result WHERE ${where}`;
    } else sql = `SELECT count(DISTINCT ${quoteIdent(cols[0]!)}) FROM result`;
  } else if (range) {
    return 0; // every key is null
  } else {
    sql = `SELECT count(*) FROM (SELECT ${cols.map(quoteIdent).join(', ')} FROM result WHERE ${where} GROUP BY ALL)`;
  }
  return Number((await connection.runAndReadAll(sql)).getRowsJS()[0]?.[0] ?? 0);
}

/** The rows a `sql` check returns: the user's text must be a single SELECT; it is counted, never fetched. */
async function measureSql(connection: DuckDBConnection, query: string): Promise<QualityObservation> {
  try {
    const checked = await checkQuery(connection, query);
    const prepared = await prepareWrapped(connection, `SELECT count(*) FROM (\n${checked.body}\n) AS check_rows`, StatementType.SELECT);
    try {
      const rows = (await prepared.runAndReadAll()).getRowsJS();
      return { observed: Number(rows[0]?.[0] ?? 0) };
    } finally {
      prepared.destroySync();
    }
  } catch (e) {
    return { error: duckDbMessage(e) };
  }
}
