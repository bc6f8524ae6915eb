import { openLocalLake, startLocalQueries } from '../common/local-lake.js';
import type { DriverModule } from '../project.js';
import { openPostgresState } from './open-state.js';

/** The postgres driver: state in one PostgreSQL database shared by every `adp serve` on every machine. */
export const postgresDriver: DriverModule = { name: 'postgres', openLake: openLocalLake, startQueries: startLocalQueries, openState: openPostgresState };
