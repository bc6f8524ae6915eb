export { SqliteStateStore, type SqliteStateStoreOptions } from './sqlite-state-store.js';
export { openConnection, BUSY_TIMEOUT_MS, type SqliteDatabase } from './connection.js';
export { migrate, currentVersion, type MigrationResult } from './migrate.js';
export { MIGRATIONS, type Migration } from './migrations.js';
export { SqliteSchedulingStore } from './sqlite-scheduling-store.js';
