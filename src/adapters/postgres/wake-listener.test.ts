import { describe, expect, it } from 'vitest';
import type { WakeTopic } from '../../ports/wake-signal.js';
import { queuedRun } from '../../ports/scheduling.contract.js';
import { curationFixture } from '../../ports/state-store.contract.js';
import { disposeTestStore, openTestStore, schemaBackends, terminateBackends, usePostgresTestSchemas, waitFor } from '../../../test/helpers/postgres.js';

usePostgresTestSchemas();

/** Subscribes and records every topic heard. */
async function listen(store: Awaited<ReturnType<typeof openTestStore>>) {
  const heard: WakeTopic[] = [];
  const stop = await store.subscribe((topic) => heard.push(topic));
  return { heard, stop };
}

describe('PostgresStateStore as a WakeSignal', () => {
  it("wakes 'runs' when another store queues a run and 'curations' when one changes, and only in its own schema", async () => {
    const listener = await openTestStore();
    const writer = await openTestStore({ schema: listener.schema });
    const elsewhere = await openTestStore();
    try {
      const here = await listen(listener);
      const there = await listen(elsewhere);
      await writer.createRun(queuedRun('r1'));
      await waitFor(() => here.heard.includes('runs'), "'runs' after createRun");
      expect(here.heard).not.toContain('curations');
      await writer.putCuration(curationFixture());
      await waitFor(() => here.heard.includes('curations'), "'curations' after putCuration");
      await writer.deleteCuration(curationFixture().curationType);
      await waitFor(() => here.heard.filter((t) => t === 'curations').length === 2, "'curations' after deleteCuration");
      // A run written to the other schema reaches its own listener, so by then ours would have heard it too.
      await elsewhere.createRun(queuedRun('r-elsewhere'));
      await waitFor(() => there.heard.includes('runs'), "'runs' in the other schema");
      expect(here.heard.filter((t) => t === 'runs')).toHaveLength(1);
      expect(there.heard).toEqual(['runs']);
      await here.stop();
      await there.stop();
    } finally {
      await writer.close();
      await disposeTestStore(listener);
      await disposeTestStore(elsewhere);
    }
  });

  it('listens again after its connection is terminated, waking everyone once it is back', async () => {
    const listener = await openTestStore();
    const writer = await openTestStore({ schema: listener.schema });
    try {
      const { heard, stop } = await listen(listener);
      const [pid] = await schemaBackends(listener.schema, ':wake');
      expect(pid).toBeDefined();
      await terminateBackends([pid!]);
      // Back: a new backend, and a wake for every topic (notifications in between were lost).
      await waitFor(async () => (await schemaBackends(listener.schema, ':wake')).some((p) => p !== pid), 'the listener to reconnect');
      await waitFor(() => heard.includes('runs') && heard.includes('curations'), 'the wake after reconnecting');
      heard.length = 0;
      let n = 0;
      await waitFor(async () => {
        await writer.createRun(queuedRun(`after-${n++}`));
        await new Promise((resolve) => setTimeout(resolve, 50));
        return heard.includes('runs');
      }, "'runs' after the reconnect");
      await stop();
      await waitFor(async () => (await schemaBackends(listener.schema, ':wake')).length === 0, 'the listener to end after the last unsubscribe');
    } finally {
      await writer.close();
      await disposeTestStore(listener);
    }
  });

  it('ends its listener with the store', async () => {
    const store = await openTestStore();
    const { heard } = await listen(store);
    expect((await schemaBackends(store.schema, ':wake')).length).toBe(1);
    await disposeTestStore(store);
    await waitFor(async () => (await schemaBackends(store.schema, ':wake')).length === 0, 'the listener to end');
    expect(heard).toEqual([]);
  });
});
