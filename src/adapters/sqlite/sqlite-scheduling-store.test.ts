import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queuedRun } from '../../ports/scheduling.contract.js';
import { SqliteStateStore } from './sqlite-state-store.js';

// The scheduling ports contract runs against every backend in test/contracts/scheduling.test.ts.

describe('SqliteSchedulingStore across connections to one file', () => {
  let dir: string;
  let stores: SqliteStateStore[];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adp-'));
    const file = path.join(dir, 'state.db');
    stores = [SqliteStateStore.open(file), SqliteStateStore.open(file), SqliteStateStore.open(file)];
  });
  afterEach(async () => {
    for (const s of stores) await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lets exactly one connection win each tick, whatever the order', async () => {
    const ticks = Array.from({ length: 50 }, (_, i) => new Date(Date.UTC(2027, 0, 1, 0, i)).toISOString());
    const wins = await Promise.all(
      stores.flatMap((s, w) =>
        ticks.map((t, i) =>
          s.scheduling
            .claimTicks([
              {
                curationType: 'alpha',
                scheduledTime: t,
                claimedBy: `w${w}`,
                claimedAt: t,
                outcome: { run: queuedRun(`r${i}-w${w}`, 'alpha', { scheduledTime: t }) },
              },
            ])
            .then(([won]) => won),
        ),
      ),
    );
    expect(wins.filter(Boolean)).toHaveLength(ticks.length);
    const runs = await stores[0]!.listActiveRuns();
    expect(new Set(runs.map((r) => r.scheduledTime)).size).toBe(ticks.length);
  });

  it('hands a queued run to one connection only', async () => {
    await stores[0]!.createRun(queuedRun('r1'));
    const now = new Date();
    const claims = await Promise.all(
      stores.map((s, i) => s.scheduling.claimNextRun({ owner: `w${i}`, now, leaseUntil: new Date(now.getTime() + 1000) })),
    );
    expect(claims.filter((c) => c !== undefined)).toHaveLength(1);
  });
});
