import fs from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TableFormat, TableInfo } from '../../ports/catalog.js';
import { QueryFailedError } from '../../domain/errors.js';
import type { BucketPaths } from '../localfs/bucket-paths.js';
import { duckDbMessage, missingTableName } from './duckdb-errors.js';
import { references } from './parse-tree.js';
import { quoteIdent, quoteString } from './sql-literals.js';

/** File extensions read for each table format, searched recursively under the table's location. */
export const EXTENSIONS: Readonly<Record<TableFormat, readonly string[]>> = {
  json: ['json', 'jsonl', 'ndjson'],
  csv: ['csv'],
  parquet: ['parquet'],
};

interface TableSource {
  readonly table: TableInfo;
  readonly dir: string;
}

/** The directory holding a table's files: its bucket, or the key prefix inside it. */
export function tableDir(paths: BucketPaths, table: TableInfo): string {
  const prefix = table.location.prefix.replace(/\/+$/, '');
  return prefix === '' ? paths.bucketDir(table.location.bucket) : paths.filePath(table.location.bucket, prefix);
}

/** The reader call behind a table's view, over the given glob patterns. */
export function readerSql(table: TableInfo, globs: readonly string[]): string {
  const files = `[${globs.map(quoteString).join(', ')}]`;
  const hive = `hive_partitioning = ${table.hivePartitioning}`;
  switch (table.format) {
    case 'json':
      return `read_json_auto(${files}, ${hive}, union_by_name = true)`;
    case 'csv':
      return `read_csv(${files}, header = true, ${hive})`;
    case 'parquet':
      return `read_parquet(${files}, ${hive})`;
  }
}

/**
 * One schema per catalog database and one view per table over its files.
 * DuckDB binds a view when it is created (reading the files: the first CSV
 * one costs DuckDB 5-20 ms), so a view is made when a query first names its
 * table (found in DuckDB's parse tree), or for every table when the query's
 * tables cannot all be told. DuckDB also refuses a glob that matches nothing,
 * so a table without (readable) files yet stays pending: it is retried before
 * each query that may read it, and a query that names it fails with a message
 * saying where its files should be.
 */
export class CatalogViews {
  readonly #sources: readonly TableSource[];
  /** Tables without a view yet, with DuckDB's reason when their files exist but could not be read. */
  readonly #pending = new Map<TableSource, string | undefined>();
  /** Tables no query has named yet: their views are made on first use. */
  readonly #deferred = new Set<TableSource>();
  readonly databases: ReadonlySet<string>;

  constructor(paths: BucketPaths, tables: readonly TableInfo[]) {
    this.#sources = tables.map((table) => ({ table, dir: tableDir(paths, table) }));
    this.databases = new Set(tables.map((t) => t.database));
  }

  /** Every table location, for the sandbox's readable roots. */
  get directories(): string[] {
    return [...new Set(this.#sources.map((s) => s.dir))];
  }

  /** The statements that create the schemas; each table's view waits for the first query that may read it (see {@link prepareFor}). */
  setup(): string[] {
    for (const source of this.#sources) this.#deferred.add(source);
    return [...this.databases].map((d) => `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(d)}`);
  }

  /**
   * Before `sql` is checked or run with `database` as its context: the views of the catalog tables it
   * names, made on `admin` (and those of every table when `parser` cannot tell them all apart), and
   * pending ones retried.
   */
  async prepareFor(admin: DuckDBConnection, parser: DuckDBConnection, sql: string, database: string): Promise<void> {
    if (this.#deferred.size === 0 && this.#pending.size === 0) return;
    const wanted = await this.#named(parser, sql, database);
    await this.refresh(admin, wanted);
  }

  /** The catalog tables `sql` names, or undefined when that cannot be told (a parse error, a table function, another name). */
  async #named(parser: DuckDBConnection, sql: string, database: string): Promise<Set<TableSource> | undefined> {
    let tree: { error?: boolean };
    try {
      const row = (await parser.runAndReadAll(`SELECT json_serialize_sql(${quoteString(sql)})`)).getRowsJS()[0];
      tree = JSON.parse(String(row?.[0] ?? '{}')) as { error?: boolean };
    } catch {
      return undefined;
    }
    if (tree.error) return undefined;
    const { refs, ctes, tableFunction } = references(tree);
    if (tableFunction) return undefined;
    const named = new Set<TableSource>();
    for (const ref of refs) {
      // DuckDB names are case-insensitive; a CTE may shadow a table, so a name that is both makes the view anyway.
      const db = (ref.schema === '' ? database : ref.schema).toLowerCase();
      const table = ref.table.toLowerCase();
      const source = this.#sources.find((s) => s.table.database.toLowerCase() === db && s.table.name.toLowerCase() === table);
      if (source) named.add(source);
      else if (!(ref.schema === '' && ctes.has(ref.table))) return undefined;
    }
    return named;
  }

  /** Creates the views of deferred and pending tables (those in `only`, if given) whose files are there. */
  async refresh(connection: DuckDBConnection, only?: ReadonlySet<TableSource>): Promise<void> {
    // One unreadable table must not stop queries that do not touch it.
    for (const source of [...this.#deferred, ...this.#pending.keys()]) {
      if (only && !only.has(source)) continue;
      this.#deferred.delete(source);
      try {
        if (await this.#tryCreate(connection, source)) this.#pending.delete(source);
        else this.#pending.set(source, undefined);
      } catch (e) {
        this.#pending.set(source, duckDbMessage(e));
      }
    }
  }

  /** The catalog table `database.table` and the directory of its files, if the catalog has it. */
  source(database: string, table: string): { readonly table: TableInfo; readonly dir: string } | undefined {
    return this.#sources.find((s) => s.table.database === database && s.table.name === table);
  }

  /** A clearer error when DuckDB's "table does not exist" is about a table that is pending. */
  explainMissing(message: string, database: string): QueryFailedError | undefined {
    const name = missingTableName(message);
    if (name === undefined) return undefined;
    const candidates = [...this.#pending.keys()].filter(
      ({ table }) => name === table.name || name === `${table.database}.${table.name}`,
    );
    const source = candidates.find((s) => s.table.database === database) ?? candidates[0];
    if (!source) return undefined;
    const { table, dir } = source;
    const reason = this.#pending.get(source);
    if (reason !== undefined) {
      return new QueryFailedError(`table ${table.database}.${table.name} could not be read from ${dir}: ${reason}`);
    }
    const wanted = EXTENSIONS[table.format].map((ext) => `*.${ext}`).join(', ');
    return new QueryFailedError(
      `table ${table.database}.${table.name} has no files at ${dir} (looked for ${wanted}); add data there or fix the catalog location`,
    );
  }

  async #tryCreate(connection: DuckDBConnection, { table, dir }: TableSource): Promise<boolean> {
    if (!fs.existsSync(dir)) return false;
    const globs: string[] = [];
    for (const ext of EXTENSIONS[table.format]) {
      const glob = `${dir}/**/*.${ext}`;
      const found = await connection.runAndReadAll(`SELECT 1 FROM glob(${quoteString(glob)}) LIMIT 1`);
      if (found.currentRowCount > 0) globs.push(glob);
    }
    if (globs.length === 0) return false;
    const view = `${quoteIdent(table.database)}.${quoteIdent(table.name)}`;
    await connection.run(`CREATE OR REPLACE VIEW ${view} AS SELECT * FROM ${readerSql(table, globs)}`);
    return true;
  }
}
