import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../domain/errors.js';
import type { NotifierDestinationSpec } from '../domain/notify/destinations.js';
import type { Incident } from '../domain/notify/incidents.js';
import type { DestinationRef, OutboxDraft } from '../domain/notify/outbox.js';
import type { OutboxStore } from './outbox-store.js';
import type { StateStore } from './state-store.js';
import { historyRecordFixture } from './state-store.contract.js';

// The behaviour every OutboxStore adapter must show; each adapter's test
// file runs it against its own backend.

const hook: DestinationRef = { type: 'webhook', id: 'hook' };
const other: DestinationRef = { type: 'log', id: 'log' };
const T0 = new Date('2027-01-04T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

/** A notification entry `n` of `curationType` for `destination`. */
export function draftFixture(n: number, curationType = 'cur-a', destination: DestinationRef = hook): OutboxDraft {
  return {
    id: `ob-${curationType}-${destination.id}-${n}`,
    destination,
    curationType,
    executionName: `run-${curationType}-${n}`,
    event: 'failure',
    payload: { id: `evt-${curationType}-${n}`, event: 'failure', curationType, occurredAt: T0.toISOString(), status: 'failed' },
  };
}

function incident(curationType: string, kind: Incident['kind'], occurrences = 1): Incident {
  return { curationType, kind, subject: '', openedAt: T0.toISOString(), updatedAt: T0.toISOString(), occurrences, alerts: { 'hook/failure': { lastAt: T0.toISOString(), count: 1 } } };
}

type Store = StateStore & OutboxStore;

/**
 * Declares the OutboxStore contract suite. `open` returns a new, empty store
 * that is also the StateStore whose `finishRun` enqueues.
 */
export function outboxStoreContract(name: string, open: () => Promise<Store>, close: (store: Store) => Promise<void> = (s) => s.close()): void {
  describe(`OutboxStore contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await close(store);
    });
    const enqueue = (drafts: OutboxDraft[]) => store.applyAlerts(() => ({ entries: drafts, upsert: [], close: [] }));
    const claim = (owner = 'w1', now = T0, limit = 100, leaseMs = 60_000) => store.claimOutbox({ owner, limit, leaseMs, now });
    const ids = (entries: { id: string }[]) => entries.map((e) => e.id);

    describe('enqueue with the history record (finishRun)', () => {
      it('writes the record, its entries and incident changes together; the planner sees the stored record and that curation’s incidents', async () => {
        await store.applyAlerts(() => ({ entries: [], upsert: [incident('wildrydes-rydebooking', 'failure', 2), incident('other', 'failure')], close: [] }));
        await store.finishRun(historyRecordFixture({ curationExecutionName: 'first' }));
        let seen: { timestamp: number; incidents: string[] } | undefined;
        const record = await store.finishRun(historyRecordFixture({ curationExecutionName: 'second' }), (stored, incidents) => {
          seen = { timestamp: stored.timestamp, incidents: incidents.map((i) => `${i.curationType}/${i.kind}/${i.occurrences}`) };
          return { entries: [draftFixture(1, stored.curationType)], upsert: [], close: [incidents[0]!] };
        });
        expect(seen).toEqual({ timestamp: record.timestamp, incidents: ['wildrydes-rydebooking/failure/2'] });
        expect(record.timestamp).toBe(historyRecordFixture().timestamp + 1);
        expect((await store.listOutbox({ limit: 10 })).entries.map((e) => [e.id, e.state, e.attempts])).toEqual([
          ['ob-wildrydes-rydebooking-hook-1', 'pending', 0],
        ]);
        expect((await store.listIncidents()).map((i) => i.curationType)).toEqual(['other']);
      });

      it('keeps only the destination’s id and type: a draft handed a whole spec (URL, secret) stores and returns none of it', async () => {
        const spec: NotifierDestinationSpec = { type: 'webhook', id: 'hook', url: 'https://hooks.example.com/t/url-xyz', secret: 'secret-xyz', headers: { authorization: 'Bearer token-xyz' } };
        await enqueue([draftFixture(1, 'cur-a', spec)]);
        const read = [(await store.getOutboxEntry('ob-cur-a-hook-1'))!, ...(await store.listOutbox({ limit: 10 })).entries, ...(await claim())];
        expect(read.map((e) => e.destination)).toEqual([hook, hook, hook]);
        expect(JSON.stringify(read)).not.toMatch(/xyz/);
      });

      it('plans only once: a repeated finishRun neither calls the planner nor enqueues again', async () => {
        let calls = 0;
        const planner = () => {
          calls++;
          return { entries: [draftFixture(calls)], upsert: [], close: [] };
        };
        await store.finishRun(historyRecordFixture(), planner);
        await store.finishRun(historyRecordFixture({ status: 'failed' }), planner);
        expect(calls).toBe(1);
        expect((await store.countOutbox()).pending).toBe(1);
      });

      it('writes nothing when the planner throws: no record, no entries', async () => {
        const failing = () => {
          throw new Error('planner bug');
        };
        await expect(store.finishRun(historyRecordFixture(), failing)).rejects.toThrow('planner bug');
        expect(await store.getHistoryRecord(historyRecordFixture().curationExecutionName)).toBeUndefined();
        expect(await store.countOutbox()).toEqual({ pending: 0, delivered: 0, dead: 0 });
      });

      it('ignores an entry whose id is already queued', async () => {
        await enqueue([draftFixture(1)]);
        await enqueue([draftFixture(1), draftFixture(2)]);
        expect((await store.countOutbox()).pending).toBe(2);
      });
    });

    describe('claim and settle', () => {
      it('claims due entries oldest first, up to the limit, counting the attempt', async () => {
        await enqueue([draftFixture(1), draftFixture(2, 'cur-b'), draftFixture(3)]);
        const claimed = await claim('w1', T0, 2);
        expect(ids(claimed)).toEqual(['ob-cur-a-hook-1', 'ob-cur-b-hook-2']);
        expect(claimed.map((e) => e.attempts)).toEqual([1, 1]);
        expect(claimed[0]!.seq).toBeLessThan(claimed[1]!.seq);
        expect((await store.getOutboxEntry('ob-cur-a-hook-1'))?.attempts).toBe(1);
      });

      it('gives a destination+curation group to one claimer at a time until its lease ends', async () => {
        await enqueue([draftFixture(1), draftFixture(2), draftFixture(3, 'cur-b')]);
        expect(ids(await claim('w1', T0, 1))).toEqual(['ob-cur-a-hook-1']);
        // w2 may not overtake w1 within cur-a, but takes another group.
        expect(ids(await claim('w2', at(1000)))).toEqual(['ob-cur-b-hook-3']);
        expect(ids(await claim('w3', at(2000)))).toEqual([]);
        // w1 died: after its lease the group goes to w3, entry 1 on its second attempt.
        const again = await claim('w3', at(60_500));
        expect(ids(again)).toEqual(['ob-cur-a-hook-1', 'ob-cur-a-hook-2']);
        expect(again[0]!.attempts).toBe(2);
      });

      it('releases groups when settled; delivered entries are not claimed again', async () => {
        await enqueue([draftFixture(1), draftFixture(2)]);
        await claim('w1', T0, 1);
        await store.settleOutbox('w1', [{ id: 'ob-cur-a-hook-1', outcome: 'delivered' }], at(5));
        expect(ids(await claim('w2', at(10)))).toEqual(['ob-cur-a-hook-2']);
        const delivered = await store.getOutboxEntry('ob-cur-a-hook-1');
        expect(delivered).toMatchObject({ state: 'delivered', deliveredAt: at(5).toISOString() });
      });

      it('holds a group back until a retry is due, while other groups and destinations go on', async () => {
        await enqueue([draftFixture(1), draftFixture(2), draftFixture(3, 'cur-b'), draftFixture(4, 'cur-a', other)]);
        await claim('w1', T0, 1);
        await store.settleOutbox('w1', [{ id: 'ob-cur-a-hook-1', outcome: 'retry', nextAttemptAt: at(30_000), error: 'HTTP 503' }], at(10));
        expect(ids(await claim('w1', at(20)))).toEqual(['ob-cur-b-hook-3', 'ob-cur-a-log-4']);
        expect(await store.getOutboxEntry('ob-cur-a-hook-1')).toMatchObject({ state: 'pending', lastError: 'HTTP 503', nextAttemptAt: at(30_000).toISOString() });
        expect(ids(await claim('w2', at(29_999)))).toEqual([]);
        expect(ids(await claim('w2', at(30_000)))).toEqual(['ob-cur-a-hook-1', 'ob-cur-a-hook-2']);
      });

      it('does not let a dead entry block its group', async () => {
        await enqueue([draftFixture(1), draftFixture(2)]);
        await claim('w1', T0, 1);
        await store.settleOutbox('w1', [{ id: 'ob-cur-a-hook-1', outcome: 'dead', error: 'HTTP 400' }], at(1));
        expect(ids(await claim('w1', at(2)))).toEqual(['ob-cur-a-hook-2']);
        expect(await store.getOutboxEntry('ob-cur-a-hook-1')).toMatchObject({ state: 'dead', lastError: 'HTTP 400', attempts: 1 });
      });

      it('gives a released entry its attempt back', async () => {
        await enqueue([draftFixture(1)]);
        await claim('w1', T0);
        await store.settleOutbox('w1', [{ id: 'ob-cur-a-hook-1', outcome: 'release' }], at(1));
        expect(await store.getOutboxEntry('ob-cur-a-hook-1')).toMatchObject({ state: 'pending', attempts: 0 });
        expect(ids(await claim('w2', at(2)))).toEqual(['ob-cur-a-hook-1']);
      });

      it('keeps a delivered entry delivered whatever a late settle says', async () => {
        await enqueue([draftFixture(1)]);
        await claim('w1', T0);
        await store.settleOutbox('w1', [{ id: 'ob-cur-a-hook-1', outcome: 'delivered' }], at(1));
        await store.settleOutbox('w2', [{ id: 'ob-cur-a-hook-1', outcome: 'dead', error: 'late' }], at(2));
        await store.settleOutbox('w2', [{ id: 'ob-cur-a-hook-1', outcome: 'retry', nextAttemptAt: at(9), error: 'late' }], at(2));
        expect(await store.getOutboxEntry('ob-cur-a-hook-1')).toMatchObject({ state: 'delivered', attempts: 1 });
      });
    });

    describe('list, count, retry, prune', () => {
      beforeEach(async () => {
        await enqueue([draftFixture(1), draftFixture(2), draftFixture(3, 'cur-b'), draftFixture(4, 'cur-b')]);
        await claim('w1', T0);
        await store.settleOutbox(
          'w1',
          [
            { id: 'ob-cur-a-hook-1', outcome: 'delivered' },
            { id: 'ob-cur-a-hook-2', outcome: 'dead', error: 'HTTP 404' },
            { id: 'ob-cur-b-hook-3', outcome: 'dead', error: 'HTTP 410' },
            { id: 'ob-cur-b-hook-4', outcome: 'release' },
          ],
          at(1),
        );
      });

      it('lists newest first with filters and pages', async () => {
        expect(ids((await store.listOutbox({ limit: 10 })).entries)).toEqual(['ob-cur-b-hook-4', 'ob-cur-b-hook-3', 'ob-cur-a-hook-2', 'ob-cur-a-hook-1']);
        expect(ids((await store.listOutbox({ limit: 10, state: 'dead' })).entries)).toEqual(['ob-cur-b-hook-3', 'ob-cur-a-hook-2']);
        expect(ids((await store.listOutbox({ limit: 10, curationType: 'cur-a', state: 'dead' })).entries)).toEqual(['ob-cur-a-hook-2']);
        expect(ids((await store.listOutbox({ limit: 10, executionName: 'run-cur-b-4' })).entries)).toEqual(['ob-cur-b-hook-4']);
        expect(ids((await store.listOutbox({ limit: 10, destinationId: 'log' })).entries)).toEqual([]);
        const first = await store.listOutbox({ limit: 3 });
        expect(first.entries).toHaveLength(3);
        const second = await store.listOutbox({ limit: 3, cursor: first.nextCursor });
        expect(ids(second.entries)).toEqual(['ob-cur-a-hook-1']);
        expect(second.nextCursor).toBeUndefined();
        await expect(store.listOutbox({ limit: 3, cursor: 'nonsense' })).rejects.toThrow(ValidationError);
        await expect(store.listOutbox({ limit: 0 })).rejects.toThrow(ValidationError);
      });

      it('counts by state, for everything or one run', async () => {
        expect(await store.countOutbox()).toEqual({ pending: 1, delivered: 1, dead: 2 });
        expect(await store.countOutbox({ executionName: 'run-cur-a-2' })).toEqual({ pending: 0, delivered: 0, dead: 1 });
      });

      it('makes dead entries pending again with no attempts, by id or all', async () => {
        expect(await store.retryDeadLetters(at(10), ['ob-cur-a-hook-2', 'ob-cur-a-hook-1', 'missing'])).toBe(1);
        expect(await store.getOutboxEntry('ob-cur-a-hook-2')).toMatchObject({ state: 'pending', attempts: 0 });
        expect(await store.retryDeadLetters(at(10))).toBe(1);
        expect(await store.countOutbox()).toEqual({ pending: 3, delivered: 1, dead: 0 });
        expect(ids(await claim('w1', at(20)))).toEqual(['ob-cur-a-hook-2', 'ob-cur-b-hook-3', 'ob-cur-b-hook-4']);
      });

      it('prunes only entries delivered before the given time', async () => {
        expect(await store.pruneOutbox(at(1))).toBe(0);
        expect(await store.pruneOutbox(at(2))).toBe(1);
        expect(await store.countOutbox()).toEqual({ pending: 1, delivered: 0, dead: 2 });
      });
    });

    describe('incidents', () => {
      it('applies upserts and closes atomically with the entries, and lists them oldest first', async () => {
        const a = incident('cur-a', 'failure');
        const b = { ...incident('cur-b', 'longRunning'), subject: 'run-1', openedAt: at(5).toISOString() };
        const plan = await store.applyAlerts((open) => {
          expect(open).toEqual([]);
          return { entries: [draftFixture(1)], upsert: [a, b], close: [] };
        });
        expect(plan.entries).toHaveLength(1);
        expect(await store.listIncidents()).toEqual([a, b]);
        expect(await store.listIncidents('cur-b')).toEqual([b]);
        await store.applyAlerts((open) => ({ entries: [], upsert: [{ ...open[0]!, occurrences: 5 }], close: [open[1]!] }));
        expect(await store.listIncidents()).toEqual([{ ...a, occurrences: 5 }]);
        await expect(
          store.applyAlerts(() => {
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect((await store.countOutbox()).pending).toBe(1);
      });
    });
  });
}
