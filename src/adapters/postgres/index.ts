export { PostgresStateStore, type PostgresStateStoreOptions } from './postgres-state-store.js';
export { PostgresSchedulingStore } from './postgres-scheduling-store.js';
export { migrate, checkVersion, currentVersion, type MigrationResult } from './migrate.js';
export { MIGRATIONS, type Migration } from './migrations.js';
export { WakeListener, wakeChannel } from './wake-listener.js';
export { describeTarget } from './connection.js';
