import { TransientError } from '../../domain/errors.js';

/** The fields of a pg or Node socket error this adapter looks at. */
interface ErrorFields {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly errors?: unknown;
}

/** SQLSTATEs (and Node codes) saying the connection, not the statement, failed. */
const CONNECTION_CODES = new Set([
  '57P01', // admin_shutdown: pg_terminate_backend, a fast shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '53300', // too_many_connections
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** pg's own messages for a client whose socket is gone. */
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'timeout exceeded when trying to connect',
];

function fields(e: unknown): ErrorFields {
  return typeof e === 'object' && e !== null ? (e as ErrorFields) : {};
}

/** The SQLSTATE or Node error code of `e`, if it has one. */
export function errorCode(e: unknown): string | undefined {
  const f = fields(e);
  if (typeof f.code === 'string') return f.code;
  // Node's happy-eyeballs connect reports one error per address in an AggregateError.
  if (Array.isArray(f.errors)) return f.errors.map(errorCode).find((c) => c !== undefined);
  return undefined;
}

/** True when the connection was lost or refused (class 08, a terminated backend, a reset socket). */
export function isConnectionError(e: unknown): boolean {
  const code = errorCode(e);
  if (code !== undefined && (code.startsWith('08') || CONNECTION_CODES.has(code))) return true;
  const message = fields(e).message;
  return typeof message === 'string' && CONNECTION_MESSAGES.some((m) => message.startsWith(m));
}

/**
 * True when the statement certainly did not take effect because its backend
 * was terminated (or the client was already dead before sending it), so
 * running it again on a new connection is safe.
 */
export function wasNotApplied(e: unknown): boolean {
  const code = errorCode(e);
  if (code === '57P01' || code === '57P02') return true;
  const message = fields(e).message;
  return typeof message === 'string' && message.endsWith('is not queryable');
}

/** Deadlock or serialization failure: the transaction was rolled back and may simply run again. */
export function isConflict(e: unknown): boolean {
  const code = errorCode(e);
  return code === '40P01' || code === '40001';
}

/** The statement ran past `statement_timeout` (or was cancelled). */
export function isTimeout(e: unknown): boolean {
  return errorCode(e) === '57014';
}

/**
 * The error to hand to callers: connection losses, timeouts and conflicts
 * that outlived the retries become {@link TransientError} (retryable); any
 * other error is returned unchanged (a bug or a constraint the caller breaks).
 */
export function toAdapterError(e: unknown): unknown {
  const reason = describe(e);
  if (isConnectionError(e)) {
    return new TransientError(`lost the connection to PostgreSQL (${reason}); retry once the server is reachable again`, { cause: e });
  }
  if (isTimeout(e)) {
    return new TransientError(`a PostgreSQL statement ran past statement_timeout (${reason}); retry, or raise postgres.statementTimeoutSeconds`, {
      cause: e,
    });
  }
  if (isConflict(e)) {
    return new TransientError(`PostgreSQL kept aborting the transaction on a conflict with another one (${reason}); retry`, { cause: e });
  }
  return e;
}

function describe(e: unknown): string {
  const f = fields(e);
  const code = errorCode(e);
  const message = typeof f.message === 'string' && f.message !== '' ? f.message : String(e);
  return code && !message.includes(code) ? `${code} ${message}` : message;
}
