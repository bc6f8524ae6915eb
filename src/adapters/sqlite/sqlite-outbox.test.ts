import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { draftFixture, outboxStoreContract } from '../../ports/outbox-store.contract.js';
import { SqliteStateStore } from './sqlite-state-store.js';

const dirs = new Map<SqliteStateStore, string>();

outboxStoreContract(
  'SqliteStateStore (temp file)',
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adp-'));
    const store = SqliteStateStore.open(path.join(dir, 'state.db'));
    dirs.set(store, dir);
    return store;
  },
  async (store) => {
    await store.close();
    fs.rmSync(dirs.get(store as SqliteStateStore)!, { recursive: true, force: true });
  },
);

outboxStoreContract('SqliteStateStore (:memory:)', async () => SqliteStateStore.open(':memory:'));

describe('SQLite outbox', () => {
  it('claims from a 20,000-entry backlog through the pending index, not a table scan', async () => {
    const store = SqliteStateStore.open(':memory:');
    const drafts = Array.from({ length: 20_000 }, (_, i) => draftFixture(i, `cur-${i % 10}`));
    await store.applyAlerts(() => ({ entries: drafts, upsert: [], close: [] }));
    const t0 = performance.now();
    const claimed = await store.claimOutbox({ owner: 'w', limit: 200, leaseMs: 1000, now: new Date() });
    expect(claimed).toHaveLength(200);
    expect(performance.now() - t0).toBeLessThan(200);
    await store.close();
  });
});
