import { parse } from 'csv-parse/sync';
import { PREVIEW_LIMITS } from './limits.js';

export interface PreviewTable {
  readonly columns: string[];
  /** Display text of each cell; null for SQL NULL. */
  readonly rows: (string | null)[][];
  /** More rows follow in the file. */
  readonly truncated: boolean;
}

/** The whole lines of `text`: the last, cut line dropped unless the file ended there. */
function wholeLines(text: string, complete: boolean): string {
  if (complete) return text;
  const nl = text.lastIndexOf('\n');
  return nl < 0 ? '' : text.slice(0, nl + 1);
}

export const cell = (value: string): string => (value.length > PREVIEW_LIMITS.cellChars ? `${value.slice(0, PREVIEW_LIMITS.cellChars)}…` : value);

/** The first rows of CSV text (a head of the file; `complete` when it holds the whole file). */
export function csvTable(
  text: string,
  complete: boolean,
  options: { header: boolean; delimiter: string; quote: string; escape: string; nullString: string },
  rows: number,
): PreviewTable {
  const records = parse(wholeLines(text, complete), {
    delimiter: options.delimiter,
    quote: options.quote,
    escape: options.escape,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    bom: true,
    to_line: rows + (options.header ? 1 : 0) + 1,
  }) as string[][];
  const header = options.header ? (records.shift() ?? []) : [];
  const width = Math.max(header.length, ...records.map((r) => r.length));
  const columns = Array.from({ length: width }, (_, i) => header[i] ?? `column${i + 1}`);
  const body = records.slice(0, rows).map((r) => columns.map((_, i) => (r[i] === undefined || r[i] === options.nullString ? null : cell(r[i]!))));
  return { columns, rows: body, truncated: records.length > rows || !complete };
}

/** Display text of a decoded value: JSON for nested ones, ISO for dates. */
export function display(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return cell(value);
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof Uint8Array) return cell(`0x${Buffer.from(value).toString('hex')}`);
  return cell(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
}

/** The first rows of newline-delimited JSON (DuckDB's JSON output), columns in the order keys first appear. */
export function jsonLinesTable(text: string, complete: boolean, rows: number): PreviewTable {
  const lines = wholeLines(text, complete)
    .split('\n')
    .filter((l) => l.trim() !== '');
  const objects = lines.slice(0, rows).map((l) => JSON.parse(l) as Record<string, unknown>);
  const columns: string[] = [];
  for (const o of objects) for (const k of Object.keys(o)) if (!columns.includes(k)) columns.push(k);
  return { columns, rows: objects.map((o) => columns.map((c) => display(o[c]))), truncated: lines.length > rows || !complete };
}
