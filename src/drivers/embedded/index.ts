import { openLocalLake, startLocalQueries } from '../common/local-lake.js';
import type { DriverModule } from '../project.js';
import { openEmbeddedState } from './open-state.js';

/** The embedded driver: state in `state.db` (SQLite) in the project home; nothing to install or run. */
export const embeddedDriver: DriverModule = { name: 'embedded', openLake: openLocalLake, startQueries: startLocalQueries, openState: openEmbeddedState };
