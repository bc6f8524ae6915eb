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
 * (syntax, binder, runtime) to {@link QueryFailedError}.
 */
export function toEngineError(e: unknown): AdpError {
  if (e instanceof AdpError) return e;
  const message = duckDbMessage(e);
  const cause = { cause: e };
  if (SANDBOX_MARKERS.some((marker) => marker.test(message))) return sandboxError(message, e);
  // With external access off, DuckDB no longer treats a quoted path as a file and reports a missing table instead.
  const table = missingTableName(message);
  if (table !== undefined && /[/\\]/.test(table)) return sandboxError(`'${table}' is a file path, not a catalog table`, e);
  if (/^INTERRUPT Error/.test(message)) return new QueryCancelledError('the query was interrupted', cause);
  return new QueryFailedError(message, cause);
}
