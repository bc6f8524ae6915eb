export { DynamoStateStore, type DynamoConnectionOptions, type DynamoStateStoreOptions } from './dynamo-state-store.js';
export { DynamoSchedulingStore } from './dynamo-scheduling-store.js';
export type { EnsureReport } from './ensure-tables.js';
export { tableNames, type TableNames } from './table-layout.js';
