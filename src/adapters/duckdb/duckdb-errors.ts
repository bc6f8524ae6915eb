import { AdpError, QueryCancelledError, QueryFailedError, SandboxError } from '../../domain/errors.js';

const SANDBOX_MARKERS = [/^Permission Error/m, /file system operations are disabled/, /configuration has been locked/];
const MISSING_TABLE = /Table with name "?(.+?)"? does not exist/;
const MAX_MESSAGE = 2000;

/**
 * DuckDB's message without the wrapper prefix, cut at its first blank line
 * (the rest is a caret diagram that only lines up in a terminal).
 *
 * @example
 * duckDbMessage(new Error('Failed to extract statements: Parser Error: syntax error at or near "FROM"\n\nLINE 1: …'))
 * // 'Parser Error: syntax error at or near "FROM"'
 */
export function duckDbMessage(e: unknown): string {
  const raw = e instanceof Error ? e.message : String(e);
  const text = raw.replace(/^Failed to extract statements:\s*/, '').trim();
  const head = text.split(/\n\s*\n/)[0] ?? text;
  return head.length > MAX_MESSAGE ? `${head.slice(0, MAX_MESSAGE)}…` : head;
}

/** 1-based line and column of the spot a DuckDB error points at; `column` only when the caret can be trusted. */
export interface SqlPosition {
  readonly line: number;
  readonly column?: number;
}

const DIAGRAM = /^LINE (\d+): (.*)\n( *)\^/m;

/**
 * Where DuckDB's caret diagram (`LINE 2: SELEC *` over a `^`) points in `sql`,
 * the text it was given. DuckDB shortens long lines to a window with `...`
 * at either end, found again in the line here; when that window occurs twice,
 * or non-ASCII text makes the caret column something other than a character
 * count, only the line is given.
 *
 * @example
 * errorPosition(new Error('Parser Error: syntax error at or near "="\n\nLINE 3: where x = = 1\n                  ^'), 'select 1\nfrom t\nwhere x = = 1')
 * // { line: 3, column: 11 }
 */
export function errorPosition(e: unknown, sql: string): SqlPosition | undefined {
  const match = DIAGRAM.exec(e instanceof Error ? e.message : String(e));
  if (!match) return undefined;
  const line = Number(match[1]);
  const shown = match[2] ?? '';
  let offset = (match[3] ?? '').length - `LINE ${match[1]}: `.length;
  const cutLeft = shown.startsWith('...');
  const core = (cutLeft ? shown.slice(3) : shown).replace(/\.\.\.$/, '');
  if (cutLeft) offset -= 3;
  const text = sql.split('\n')[line - 1];
  const at = text === undefined ? -1 : text.indexOf(core);
  const ambiguous = at >= 0 && text!.indexOf(core, at + 1) >= 0;
  if (at < 0 || ambiguous || offset < 0 || offset > core.length || !/^[\t -~]*$/.test(core)) return { line };
  return { line, column: at + offset + 1 };
}

/** The refusal every sandbox violation reports, whatever DuckDB said. */
export function sandboxError(detail: string, cause?: unknown): SandboxError {
  return new SandboxError(
    `sandbox: the query may only read catalog tables, with no settings, extensions, attached databases or writes (${detail})`,
    cause === undefined ? undefined : { cause },
  );
}

/** The table name in a DuckDB "Table with name X does not exist" message, if that is what it is. */
export function missingTableName(message: string): string | undefined {
  return MISSING_TABLE.exec(message)?.[1];
}

/**
 * Maps anything DuckDB threw to the engine's typed errors: sandbox refusals
 * to {@link SandboxError}, interrupts to {@link QueryCancelledError}, the rest
 * (syntax, binder, runtime) to {@link QueryFailedError}. Given the `sql`
 * DuckDB saw, a failure it located says where: `(line 1, column 8)`.
 */
export function toEngineError(e: unknown, sql?: string): AdpError {
  if (e instanceof AdpError) return e;
  const message = duckDbMessage(e);
  const cause = { cause: e };
  if (SANDBOX_MARKERS.some((marker) => marker.test(message))) return sandboxError(message, e);
  // With external access off, DuckDB no longer treats a quoted path as a file and reports a missing table instead.
  const table = missingTableName(message);
  if (table !== undefined && /[/\\]/.test(table)) return sandboxError(`'${table}' is a file path, not a catalog table`, e);
  if (/^INTERRUPT Error/.test(message)) return new QueryCancelledError('the query was interrupted', cause);
  const at = sql === undefined ? undefined : errorPosition(e, sql);
  const where = at ? ` (line ${at.line}${at.column === undefined ? '' : `, column ${at.column}`})` : '';
  return new QueryFailedError(`${message}${where}`, cause);
}
