import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../../adapters/sqlite/sqlite-state-store.js';
import { historyRecordFixture } from '../../ports/state-store.contract.js';
import { HistoryFeed } from './history-feed.js';

const START = Date.UTC(2027, 0, 1);

describe('HistoryFeed', () => {
  let dir: string;
  let state: SqliteStateStore;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adp-'));
    state = SqliteStateStore.open(path.join(dir, 'state.db'));
  });
  afterEach(async () => {
    await state.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const finish = (n: number, timestamp: number) =>
    state.finishRun(historyRecordFixture({ curationExecutionName: `20270101000000R${String(n).padStart(5, '0')}_x`, timestamp }));

  it('hands out each record written after the start once, oldest first, including late arrivals', async () => {
    await finish(1, START - 1); // before the feed started: never counted
    const feed = new HistoryFeed(state, START, 60_000);
    expect(await feed.poll()).toEqual([]);
    await finish(2, START + 1000);
    await finish(3, START + 5000);
    expect((await feed.poll()).map((r) => r.timestamp)).toEqual([START + 1000, START + 5000]);
    expect(await feed.poll()).toEqual([]);
    // A record that lands late with an older timestamp, inside the overlap window.
    await finish(4, START + 3000);
    expect((await feed.poll()).map((r) => r.curationExecutionName)).toEqual(['20270101000000R00004_x']);
    expect(await feed.poll()).toEqual([]);
  });

  it('reads a backlog larger than one page, and serialises concurrent polls', async () => {
    const feed = new HistoryFeed(state, START);
    for (let i = 0; i < 1200; i++) await finish(i, START + i);
    const [a, b] = await Promise.all([feed.poll(), feed.poll()]);
    expect(a).toHaveLength(1200);
    expect(b).toEqual([]);
  });
});
