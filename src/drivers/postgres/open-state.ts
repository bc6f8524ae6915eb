import os from 'node:os';
import type { AdpConfig } from '../../domain/config.js';
import type { Clock } from '../../ports/clock.js';
import type { HomeLayout } from '../common/home.js';
import type { StateBackend } from '../project.js';
import { postgresSettings } from './settings.js';

/**
 * The database named by `ADP_DATABASE_URL` or `postgres.url`. `pg` loads only
 * here, so embedded commands never pay for it. Without `migrate` an old or
 * empty schema is an error that says to run `adp migrate`.
 */
export async function openPostgresState(
  _home: HomeLayout,
  config: AdpConfig,
  options: { clock: Clock; migrate?: boolean; env?: NodeJS.ProcessEnv },
): Promise<StateBackend> {
  const settings = postgresSettings(config, options.env ?? process.env);
  const { PostgresStateStore } = await import('../../adapters/postgres/postgres-state-store.js');
  const store = await PostgresStateStore.open({
    connectionString: settings.url,
    schema: settings.schema,
    poolMax: settings.poolMax,
    statementTimeoutMs: settings.statementTimeoutMs,
    applicationName: `adp ${os.hostname()}:${process.pid}`,
    now: () => options.clock.now(),
    migrate: options.migrate ?? false,
  });
  return {
    state: store,
    scheduling: store.scheduling,
    wake: store,
    describe: `postgres ${settings.displayUrl} schema ${settings.schema}`,
    close: () => store.close(),
  };
}
