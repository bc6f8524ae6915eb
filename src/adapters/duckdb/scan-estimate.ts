import fs from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ScanEstimate } from '../../ports/query-engine.js';
import { EXTENSIONS, type CatalogViews } from './catalog-views.js';
import { references } from './parse-tree.js';
import { quoteString } from './sql-literals.js';

/** Total size of the table's files (every file with the format's extension under its folder). */
async function tableBytes(dir: string, extensions: readonly string[]): Promise<number> {
  let total = 0;
  let names: string[];
  try {
    names = (await fs.readdir(dir, { recursive: true })) as string[];
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!extensions.some((ext) => name.endsWith(`.${ext}`))) continue;
    const stat = await fs.stat(path.join(dir, name)).catch(() => undefined);
    if (stat?.isFile()) total += stat.size;
  }
  return total;
}

/**
 * The bytes a query would scan on the embedded engine, as an upper bound:
 * the whole files of every catalog table it names (found in DuckDB's parse
 * tree; partition pruning and column projection are not counted). A query
 * whose tables cannot all be told (a table function, a name that is no
 * catalog table) gets a `reason` instead.
 */
export async function estimateScan(connection: DuckDBConnection, views: CatalogViews, sql: string, database: string): Promise<ScanEstimate> {
  const row = (await connection.runAndReadAll(`SELECT json_serialize_sql(${quoteString(sql)})`)).getRowsJS()[0];
  const tree = JSON.parse(String(row?.[0] ?? '{}')) as { error?: boolean; error_message?: string };
  if (tree.error) return { reason: `DuckDB could not parse the query to find its tables (${tree.error_message ?? 'unknown error'})` };
  const { refs, ctes, tableFunction } = references(tree);
  if (tableFunction) return { reason: 'the query reads a table function, whose files the engine cannot tell before it runs' };
  const seen = new Map<string, number>();
  for (const ref of refs) {
    if (ref.schema === '' && ctes.has(ref.table)) continue;
    const db = ref.schema === '' ? database : ref.schema;
    const source = views.source(db, ref.table);
    if (!source) return { reason: `'${ref.schema ? `${ref.schema}.` : ''}${ref.table}' is not a catalog table whose files the engine knows` };
    const key = `${db}.${ref.table}`;
    if (!seen.has(key)) seen.set(key, await tableBytes(source.dir, EXTENSIONS[source.table.format]));
  }
  const bytes = [...seen.values()].reduce((a, b) => a + b, 0);
  const tables = [...seen.entries()].map(([t, b]) => `${t} ${b} B`).join(', ');
  return { bytes, detail: `at most ${bytes} bytes: the whole files of ${tables || 'no table'} (partition pruning not counted)` };
}
