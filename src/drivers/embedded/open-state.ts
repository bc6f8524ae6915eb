import { SqliteStateStore } from '../../adapters/sqlite/sqlite-state-store.js';
import type { AdpConfig } from '../../domain/config.js';
import type { Clock } from '../../ports/clock.js';
import type { HomeLayout } from '../common/home.js';
import type { StateBackend } from '../project.js';

/**
 * `state.db` in the home, migrated on open (a file has one user at a time during a migration: the IMMEDIATE transaction);
 * read-only and unmigrated for commands that only read.
 */
export async function openEmbeddedState(home: HomeLayout, _config: AdpConfig, options: { clock: Clock; readOnly?: boolean }): Promise<StateBackend> {
  const store = SqliteStateStore.open(home.stateDb, { now: () => options.clock.now(), readonly: options.readOnly ?? false });
  return {
    state: store,
    scheduling: store.scheduling,
    describe: `sqlite ${home.stateDb}`,
    close: () => store.close(),
  };
}
