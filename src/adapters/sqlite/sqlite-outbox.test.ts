import { describe, expect, it } from 'vitest';
import { draftFixture } from '../../ports/outbox-store.contract.js';
import { SqliteStateStore } from './sqlite-state-store.js';

// The OutboxStore contract runs against every backend in test/contracts/outbox-store.test.ts.

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
