import type { AdpConfig } from '../../domain/config.js';
import { ConfigError } from '../../domain/errors.js';

/** The connection the postgres driver uses, after `ADP_DATABASE_URL` overrides the config. */
export interface PostgresSettings {
  readonly url: string;
  /** The URL with any password masked, for logs and errors. */
  readonly displayUrl: string;
  readonly schema: string;
  readonly poolMax: number;
  readonly statementTimeoutMs: number;
}

/** @throws ConfigError when neither `ADP_DATABASE_URL` nor `postgres.url` gives a usable URL. */
export function postgresSettings(config: AdpConfig, env: NodeJS.ProcessEnv): PostgresSettings {
  const url = env.ADP_DATABASE_URL || config.postgres.url;
  if (!url) {
    throw new ConfigError(
      'driver "postgres" needs a database URL: set ADP_DATABASE_URL, or postgres.url in adp.config.json ' +
        '(adp init --driver postgres --database-url postgres://user@host:5432/db writes it)',
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${env.ADP_DATABASE_URL ? 'ADP_DATABASE_URL' : 'postgres.url'}: not a URL (expected postgres://user@host:5432/db)`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigError(`${env.ADP_DATABASE_URL ? 'ADP_DATABASE_URL' : 'postgres.url'}: must start with postgres:// (got ${parsed.protocol}//)`);
  }
  return {
    url,
    displayUrl: maskPassword(parsed),
    schema: config.postgres.schema,
    poolMax: config.postgres.poolMax,
    statementTimeoutMs: config.postgres.statementTimeoutSeconds * 1000,
  };
}

/** `postgres://user:***@host/db`: a URL safe to print. */
export function maskPassword(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password) copy.password = '***';
  return copy.href;
}
