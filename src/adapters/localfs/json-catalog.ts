import fs from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { ConfigError } from '../../domain/errors.js';
import { bucketNameSchema, catalogNameSchema } from '../../domain/names.js';
import { parseOrThrow } from '../../domain/zod-issues.js';
import type { Catalog, TableInfo } from '../../ports/catalog.js';
import { writeFileAtomic } from './atomic-file.js';
import { type CatalogDoc, findName, parseCatalogFile, prefixProblem, serializeCatalog, tableFormatSchema } from './catalog-file.js';

const nameSchema = catalogNameSchema.refine((n) => n !== '__proto__', 'must not be "__proto__"');

const tableInfoSchema = z.object({
  database: nameSchema,
  name: nameSchema,
  location: z.object({
    bucket: bucketNameSchema,
    prefix: z.string().superRefine((p, ctx) => {
      const problem = prefixProblem(p);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  }),
  format: tableFormatSchema,
  hivePartitioning: z.boolean(),
});

/**
 * The table catalog kept in one JSON file (`<home>/catalog.json`):
 *
 * ```json
 * {
 *   "databases": {
 *     "wildrydes": {
 *       "tables": {
 *         "rydebookings": { "location": "wildrydes-data/rydebookings/", "format": "json", "hivePartitioning": true }
 *       }
 *     }
 *   }
 * }
 * ```
 *
 * - `location` is `"<bucket>/<prefix>"` in the local object store; the prefix
 *   is relative, has no `..`, and is read back ending with "/" (or "" for a whole bucket).
 * - `format` is `json` (newline-delimited), `csv` or `parquet`.
 * - `hivePartitioning` (default `false`): `key=value/` folders become columns.
 * - Database and table names follow the catalog name rules and, as in Glue,
 *   ignore case: `WildRydes.RydeBookings` finds `wildrydes.rydebookings`.
 *
 * Unknown fields are refused. A missing file is an empty catalog. The file is
 * re-read when it changes on disk (another `adp` process may have added a
 * table) and written atomically, so a reader never sees half a file.
 *
 * @example
 * const catalog = await JsonCatalog.open(path.join(home, 'catalog.json'));
 * await catalog.getTable('wildrydes', 'rydebookings');
 */
export class JsonCatalog implements Catalog {
  readonly file: string;
  #doc: CatalogDoc = { databases: {} };
  #stamp: string | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(file: string) {
    this.file = file;
  }

  /** Loads `file` (ConfigError naming the file and field if it is invalid); a missing file is an empty catalog. */
  static async open(file: string): Promise<JsonCatalog> {
    const catalog = new JsonCatalog(file);
    await catalog.#refresh();
    return catalog;
  }

  async getTable(database: string, table: string): Promise<TableInfo | undefined> {
    await this.#refresh();
    const db = findName(this.#doc.databases, database);
    if (db === undefined) return undefined;
    const tables = this.#doc.databases[db]!.tables;
    const name = findName(tables, table);
    return name === undefined ? undefined : toInfo(db, name, tables[name]!);
  }

  /** Every table, sorted by database then name. */
  async listTables(): Promise<TableInfo[]> {
    await this.#refresh();
    const out: TableInfo[] = [];
    for (const [db, { tables }] of Object.entries(this.#doc.databases)) {
      for (const [name, entry] of Object.entries(tables)) out.push(toInfo(db, name, entry));
    }
    return out.sort((a, b) => compare(a.database, b.database) || compare(a.name, b.name));
  }

  async hasDatabase(database: string): Promise<boolean> {
    await this.#refresh();
    return findName(this.#doc.databases, database) !== undefined;
  }

  /**
   * Adds or replaces a table (ValidationError for bad names or location).
   * A table or database whose name differs only in case is the same one and keeps its spelling.
   */
  async putTable(table: TableInfo): Promise<void> {
    const t = parseOrThrow(tableInfoSchema, table, 'table');
    // Serialised so two puts from this process never write from the same stale copy.
    const next = this.#queue.then(async () => {
      await this.#refresh();
      // Edit a copy: if the write fails, memory must still match the file.
      const doc = structuredClone(this.#doc);
      const dbs = doc.databases;
      const db = findName(dbs, t.database) ?? t.database;
      const tables = (dbs[db] ??= { tables: {} }).tables;
      const name = findName(tables, t.name) ?? t.name;
      tables[name] = {
        location: { bucket: t.location.bucket, prefix: normalisePrefix(t.location.prefix) },
        format: t.format,
        hivePartitioning: t.hivePartitioning,
      };
      await fs.mkdir(path.dirname(path.resolve(this.file)), { recursive: true });
      await writeFileAtomic(this.file, serializeCatalog(doc));
      this.#doc = doc;
      this.#stamp = await stampOf(this.file);
    });
    this.#queue = next.catch(() => undefined);
    await next;
  }

  /** Re-reads the file if it changed (new inode after an atomic replace, or new size/mtime). */
  async #refresh(): Promise<void> {
    const stamp = await stampOf(this.file);
    if (stamp === this.#stamp) return;
    if (stamp === undefined) {
      this.#doc = { databases: {} };
    } else {
      let text: string;
      try {
        text = await fs.readFile(this.file, 'utf8');
      } catch (e) {
        throw new ConfigError(`${this.file}: cannot be read (${(e as Error).message})`, { cause: e });
      }
      this.#doc = parseCatalogFile(text, this.file);
    }
    this.#stamp = stamp;
  }
}

async function stampOf(file: string): Promise<string | undefined> {
  try {
    const s = await fs.stat(file, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}`;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`${file}: cannot be read (${(e as Error).message})`, { cause: e });
  }
}

function toInfo(database: string, name: string, entry: CatalogDoc['databases'][string]['tables'][string]): TableInfo {
  return {
    database,
    name,
    location: { bucket: entry.location.bucket, prefix: entry.location.prefix },
    format: entry.format,
    hivePartitioning: entry.hivePartitioning,
  };
}

function normalisePrefix(prefix: string): string {
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
