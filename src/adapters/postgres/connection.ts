import pg from 'pg';
import { ConfigError, EnvironmentError } from '../../domain/errors.js';
import { errorCode } from './pg-errors.js';

/** How the pool connects; every connection gets the schema as search_path, UTC and the statement timeout. */
export interface ConnectionSettings {
  readonly connectionString: string;
  readonly schema: string;
  readonly poolMax: number;
  readonly statementTimeoutMs: number;
  readonly applicationName: string;
}

/** Schema names this adapter accepts: a lower-case identifier, so it never needs quoting. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const INT8_OID = 20;

/**
 * Result types: int8 (bigint epoch ms, counts, sequence numbers) as numbers
 * rather than strings; every value this schema keeps in int8 is a safe integer.
 * Per pool, so nothing global in `pg` changes.
 */
const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** @throws ConfigError when `schema` is not a lower-case SQL identifier. */
export function checkSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new ConfigError(`PostgreSQL schema '${schema}' is not a lower-case SQL identifier (a-z, 0-9, _, at most 63 characters)`);
  }
}

/** The client settings shared by the pool and the wake listener. */
export function clientConfig(settings: ConnectionSettings, applicationName = settings.applicationName): pg.ClientConfig {
  const { connectionString, userOptions } = splitOptions(settings.connectionString);
  const ours = `-c search_path=${settings.schema} -c statement_timeout=${settings.statementTimeoutMs} -c TimeZone=UTC`;
  return {
    connectionString,
    application_name: applicationName,
    options: userOptions ? `${userOptions} ${ours}` : ours,
    types: TYPES,
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
  };
}

/**
 * A pool whose idle clients may die (a server restart, pg_terminate_backend)
 * without crashing the process: the pool drops them and the next checkout
 * connects again.
 */
export function createPool(settings: ConnectionSettings): pg.Pool {
  const pool = new pg.Pool({ ...clientConfig(settings), max: settings.poolMax, idleTimeoutMillis: 30_000 });
  pool.on('error', () => {
    // An idle client lost its connection; the pool has already removed it.
  });
  return pool;
}

/** `host:port/database` of a connection URL, never its password. */
export function describeTarget(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    const host = decodeURIComponent(url.hostname) || process.env.PGHOST || 'localhost';
    const port = url.port || process.env.PGPORT || '5432';
    const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || decodeURIComponent(url.username) || 'postgres';
    return `${host}:${port}/${database}`;
  } catch {
    return 'the database in the connection URL';
  }
}

/**
 * Why a first connection failed, as an {@link EnvironmentError} that names
 * `host:port/database` (never the password) and says what to do.
 */
export function connectFailure(e: unknown, connectionString: string): EnvironmentError {
  const target = describeTarget(connectionString);
  const code = errorCode(e) ?? '';
  const reason = redact(e instanceof Error ? e.message : String(e), connectionString);
  const detail = code && !reason.includes(code) ? `${code}: ${reason}` : reason;
  let advice: string;
  if (code === 'ECONNREFUSED' || code === '57P03') {
    advice = 'start PostgreSQL there, or check ADP_DATABASE_URL';
  } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    advice = 'the host name does not resolve: check the host in ADP_DATABASE_URL';
  } else if (code === '28P01' || code === '28000') {
    advice = 'check the user and password in ADP_DATABASE_URL (or PGPASSWORD, ~/.pgpass) and pg_hba.conf';
  } else if (code === '3D000') {
    advice = 'create the database (createdb) or check the database name in ADP_DATABASE_URL';
  } else {
    advice = 'check that PostgreSQL is running and that ADP_DATABASE_URL is right';
  }
  return new EnvironmentError(`cannot connect to PostgreSQL at ${target} (${detail}): ${advice}`, { cause: e });
}

/** `text` with the URL's password (if any) masked. */
function redact(text: string, connectionString: string): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(connectionString).password);
  } catch {
    // not a URL: nothing we can pick out
  }
  let out = text.replaceAll(connectionString, describeTarget(connectionString));
  if (password) out = out.replaceAll(password, '***');
  return out;
}

/** Moves an `options` query parameter out of the URL, so ours are added to it rather than replaced by it. */
function splitOptions(connectionString: string): { connectionString: string; userOptions: string | undefined } {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return { connectionString, userOptions: undefined };
  }
  const userOptions = url.searchParams.get('options') ?? undefined;
  if (userOptions === undefined) return { connectionString, userOptions };
  url.searchParams.delete('options');
  return { connectionString: url.href, userOptions };
}
