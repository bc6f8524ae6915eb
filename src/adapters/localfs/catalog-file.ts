import * as z from 'zod';
import { ConfigError } from '../../domain/errors.js';
import { bucketNameSchema, catalogNameSchema, relativePathSchema } from '../../domain/names.js';
import { toFieldIssues } from '../../domain/zod-issues.js';
import type { TableFormat } from '../../ports/catalog.js';

/** A table as `catalog.json` stores it, once parsed. */
export interface TableEntry {
  readonly location: { readonly bucket: string; readonly prefix: string };
  readonly format: TableFormat;
  readonly hivePartitioning: boolean;
}

export interface CatalogDoc {
  databases: Record<string, { tables: Record<string, TableEntry> }>;
}

const prefixSchema = relativePathSchema('bucket');

/** Why `prefix` cannot be a table location prefix ("" is the whole bucket), or undefined if it can. */
export function prefixProblem(prefix: string): string | undefined {
  if (prefix === '') return undefined;
  const p = prefixSchema.safeParse(prefix);
  return p.success ? undefined : p.error.issues[0]?.message;
}

/**
 * `"<bucket>/<prefix>"`; the prefix may be empty (the whole bucket). A
 * non-empty prefix is normalised to end with exactly one "/", so a table is
 * always a folder and `rydebookings` never also matches `rydebookings-old/`.
 */
export const locationSchema = z.string().transform((text, ctx) => {
  const slash = text.indexOf('/');
  const bucket = slash < 0 ? text : text.slice(0, slash);
  const prefix = slash < 0 ? '' : text.slice(slash + 1);
  const b = bucketNameSchema.safeParse(bucket);
  if (!b.success) {
    ctx.addIssue({ code: 'custom', message: `must be "<bucket>/<prefix>": bucket "${bucket}" ${b.error.issues[0]?.message}` });
    return z.NEVER;
  }
  const problem = prefixProblem(prefix);
  if (problem) {
    ctx.addIssue({ code: 'custom', message: `prefix "${prefix}" ${problem}` });
    return z.NEVER;
  }
  return { bucket, prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/` };
});

export const tableFormatSchema = z.enum(['json', 'csv', 'parquet']);

const tableEntrySchema = z.strictObject({
  location: locationSchema,
  format: tableFormatSchema,
  hivePartitioning: z.boolean().default(false),
});

/** A record whose keys must be catalog names, unique ignoring case (Glue and DuckDB fold case). */
function namedRecord<T extends z.ZodType>(what: string, value: T) {
  return z.record(z.string(), value).superRefine((rec, ctx) => {
    const seen = new Map<string, string>();
    for (const key of Object.keys(rec)) {
      const name = catalogNameSchema.safeParse(key);
      if (!name.success) {
        ctx.addIssue({ code: 'custom', path: [key], message: `${what} name ${name.error.issues[0]?.message}` });
      }
      const other = seen.get(key.toLowerCase());
      if (other !== undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: `same ${what} name as "${other}" (names ignore case)` });
      }
      seen.set(key.toLowerCase(), key);
    }
  });
}

export const catalogFileSchema = z.strictObject({
  databases: namedRecord('database', z.strictObject({ tables: namedRecord('table', tableEntrySchema) })),
});

/** Parses the text of a catalog file; `label` (usually its path) starts every error line. */
export function parseCatalogFile(text: string, label: string): CatalogDoc {
  let json: unknown;
  try {
    json = JSON.parse(text, refuseProtoKey);
  } catch (e) {
    throw new ConfigError(`${label}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  // reportInput: the messages quote the wrong value ("got \"xml\"") and tell a wrong type from a missing field.
  const result = catalogFileSchema.safeParse(json, { reportInput: true });
  if (!result.success) {
    const lines = toFieldIssues(result.error).map((i) => `${label}: ${i.path ? `${i.path}: ` : ''}${i.message}`);
    throw new ConfigError(lines.join('\n'));
  }
  return result.data;
}

// Objects would drop a "__proto__" key silently (or change their prototype), losing a table without a word.
function refuseProtoKey(key: string, value: unknown): unknown {
  if (key === '__proto__') throw new SyntaxError('"__proto__" cannot be used as a name');
  return value;
}

/** Pretty JSON in the file's own shape (locations back to `"<bucket>/<prefix>"`), ending with a newline. */
export function serializeCatalog(doc: CatalogDoc): string {
  const databases: Record<string, { tables: Record<string, unknown> }> = {};
  for (const [db, { tables }] of Object.entries(doc.databases)) {
    const out: Record<string, unknown> = {};
    for (const [name, t] of Object.entries(tables)) {
      out[name] = { location: formatLocation(t.location), format: t.format, hivePartitioning: t.hivePartitioning };
    }
    databases[db] = { tables: out };
  }
  return `${JSON.stringify({ databases }, null, 2)}\n`;
}

export function formatLocation(location: { bucket: string; prefix: string }): string {
  return location.prefix ? `${location.bucket}/${location.prefix}` : location.bucket;
}

/** The key of `rec` equal to `name` ignoring case (exact match first). */
export function findName(rec: Record<string, unknown>, name: string): string | undefined {
  if (Object.hasOwn(rec, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(rec).find((k) => k.toLowerCase() === lower);
}
