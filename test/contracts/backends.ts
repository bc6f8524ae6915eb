import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { DynamoStateStore } from '../../src/adapters/aws/dynamodb/index.js';
import { SqliteStateStore } from '../../src/adapters/sqlite/index.js';
import type { OutboxStore } from '../../src/ports/outbox-store.js';
import type { RunQueue } from '../../src/ports/run-queue.js';
import type { ScheduleStore } from '../../src/ports/schedule-store.js';
import type { StateStore } from '../../src/ports/state-store.js';
import type { WorkerRegistry } from '../../src/ports/worker-registry.js';
import { deleteTables, localStoreOptions, sharedDynamoDbLocal, stopSharedDynamoDbLocal } from '../helpers/aws/dynamodb-local.js';
import { disposeTestStore, openTestStore } from '../helpers/postgres.js';

/** What every backend's store offers: the state and outbox ports, with the scheduler's ports beside them. */
export type BackendStore = StateStore & OutboxStore & { readonly scheduling: ScheduleStore & RunQueue & WorkerRegistry };

/** One backend the contract suites run against: `open` gives a new, empty store, `close` disposes of it (files, schema). */
export interface Backend {
  readonly name: string;
  open(): Promise<BackendStore>;
  close(store: BackendStore): Promise<void>;
}

const tempDirs = new Map<BackendStore, string>();
const dynamoPrefixes = new Map<BackendStore, string>();

// DynamoDB Local starts on the first store a file opens, once, and stops with the file.
afterAll(() => stopSharedDynamoDbLocal());

/**
 * Every state backend: SQLite in memory, SQLite in a file (WAL, as
 * `adp serve` uses it), PostgreSQL (a fresh schema per store, in the
 * database `ADP_TEST_DATABASE_URL` names) and DynamoDB (fresh tables under
 * a random prefix per store, on one DynamoDB Local per test file, or the
 * endpoint `ADP_TEST_DYNAMODB_ENDPOINT` names). Test files that use it call
 * `usePostgresTestSchemas()` for the leak guard and clean-up.
 */
export const backends: readonly Backend[] = [
  {
    name: 'sqlite (:memory:)',
    open: async () => SqliteStateStore.open(':memory:'),
    close: (store) => store.close(),
  },
  {
    name: 'sqlite (temp file)',
    open: async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adp-'));
      const store = SqliteStateStore.open(path.join(dir, 'state.db'));
      tempDirs.set(store, dir);
      return store;
    },
    close: async (store) => {
      await store.close();
      fs.rmSync(tempDirs.get(store)!, { recursive: true, force: true });
      tempDirs.delete(store);
    },
  },
  {
    name: 'postgres',
    open: () => openTestStore(),
    close: (store) => disposeTestStore(store as Awaited<ReturnType<typeof openTestStore>>),
  },
  {
    name: 'dynamodb',
    open: async () => {
      const options = localStoreOptions(await sharedDynamoDbLocal());
      const store = await DynamoStateStore.open({ ...options, maxAttempts: 1, migrate: true });
      dynamoPrefixes.set(store, options.prefix);
      return store;
    },
    close: async (store) => {
      await store.close();
      await deleteTables(await sharedDynamoDbLocal(), dynamoPrefixes.get(store)!);
      dynamoPrefixes.delete(store);
    },
  },
];
