import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryRecord } from '../domain/history.js';
import type { RunState } from '../domain/run.js';
import type { RunQueue } from './run-queue.js';
import type { ScheduleStore, TickClaim } from './schedule-store.js';
import { curationFixture } from './state-store.contract.js';
import type { StateStore } from './state-store.js';
import type { WorkerRegistry } from './worker-registry.js';

// The behaviour every adapter of the scheduler's ports (ScheduleStore,
// RunQueue, WorkerRegistry) must show, whatever its backend.

/** One backend: its StateStore and the scheduler ports over the same data. */
export interface SchedulingBackend {
  readonly state: StateStore;
  readonly scheduling: ScheduleStore & RunQueue & WorkerRegistry;
  close(): Promise<void>;
}

const T0 = '2027-01-04T10:00:00.000Z';
const T1 = '2027-01-04T10:01:00.000Z';
const T2 = '2027-01-04T10:02:00.000Z';
const NOW = new Date('2027-01-04T10:00:00.500Z');
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

/** A queued run of `curationType` named `name`. */
export function queuedRun(name: string, curationType = 'alpha', overrides: Partial<RunState> = {}): RunState {
  return {
    executionName: name,
    curationType,
    status: 'queued',
    step: 'retrieve',
    trigger: 'schedule',
    attempt: 1,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    context: {},
    ...overrides,
  };
}

function tick(curationType: string, scheduledTime: string, name: string, claimedBy = 'w1'): TickClaim {
  return {
    curationType,
    scheduledTime,
    claimedBy,
    claimedAt: NOW.toISOString(),
    outcome: { run: queuedRun(name, curationType, { scheduledTime }) },
  };
}

function skippedRecord(name: string, scheduledTime: string): HistoryRecord {
  return {
    curationType: 'alpha',
    timestamp: NOW.getTime(),
    curationExecutionName: name,
    status: 'skipped',
    trigger: 'schedule',
    scheduledTime,
    startedAt: NOW.toISOString(),
    durationMs: 0,
    attempt: 1,
    engine: 'test',
    error: 'OVERLAP_SKIPPED',
    errorCause: { errorType: 'OverlapSkipped', errorMessage: 'previous run still active' },
  };
}

function finished(run: RunState, status: HistoryRecord['status'] = 'succeeded'): HistoryRecord {
  return { ...skippedRecord(run.executionName, run.scheduledTime ?? T0), curationType: run.curationType, status, error: undefined, errorCause: undefined };
}

/**
 * Declares the contract suite; `open` returns a new, empty backend.
 *
 * @example
 * schedulingContract('sqlite', async () => { const s = SqliteStateStore.open(':memory:'); return { state: s, scheduling: s.scheduling, close: () => s.close() }; });
 */
export function schedulingContract(name: string, open: () => Promise<SchedulingBackend>): void {
  describe(`scheduling ports contract: ${name}`, () => {
    let b: SchedulingBackend;
    beforeEach(async () => {
      b = await open();
    });
    afterEach(async () => {
      await b.close();
    });
    const lease = (owner: string, now = NOW, ms = 30_000) => ({ owner, now, leaseUntil: plus(now, ms) });
    const claimOne = async (claim: TickClaim) => (await b.scheduling.claimTicks([claim]))[0];

    describe('ticks', () => {
      it('claims a tick once and stores its run with it', async () => {
        expect(await claimOne(tick('alpha', T0, 'r0'))).toBe(true);
        expect(await claimOne(tick('alpha', T0, 'r0-again', 'w2'))).toBe(false);
        expect((await b.state.getRun('r0'))?.scheduledTime).toBe(T0);
        expect(await b.state.getRun('r0-again')).toBeUndefined();
        expect(await b.scheduling.listCursors()).toEqual([{ curationType: 'alpha', lastTick: T0 }]);
      });

      it('claims a batch in one go, answering per claim', async () => {
        const got = await b.scheduling.claimTicks([tick('alpha', T0, 'r0'), tick('beta', T0, 'b0'), tick('alpha', T0, 'dup'), tick('alpha', T1, 'r1')]);
        expect(got).toEqual([true, true, false, true]);
        expect(await b.scheduling.claimTicks([])).toEqual([]);
        expect((await b.scheduling.activeRuns(['alpha', 'beta'])).map((r) => r.executionName).sort()).toEqual(['b0', 'r0', 'r1']);
      });

      it('refuses ticks at or before the cursor, and keeps curations apart', async () => {
        expect(await claimOne(tick('alpha', T1, 'r1'))).toBe(true);
        expect(await claimOne(tick('alpha', T0, 'r0'))).toBe(false);
        await b.scheduling.advanceCursor('alpha', T2);
        await b.scheduling.advanceCursor('alpha', T0);
        expect(await claimOne(tick('alpha', T2, 'r2'))).toBe(false);
        expect(await claimOne(tick('beta', T0, 'b0'))).toBe(true);
        const cursors = (await b.scheduling.listCursors()).sort((x, y) => x.curationType.localeCompare(y.curationType));
        expect(cursors).toEqual([
          { curationType: 'alpha', lastTick: T2 },
          { curationType: 'beta', lastTick: T0 },
        ]);
      });

      it('stores a skipped tick as its terminal history record', async () => {
        const claim: TickClaim = { ...tick('alpha', T0, 's0'), outcome: { skipped: skippedRecord('s0', T0) } };
        expect(await claimOne(claim)).toBe(true);
        expect(await b.state.getHistoryRecord('s0')).toMatchObject({ status: 'skipped', scheduledTime: T0 });
        expect(await claimOne(claim)).toBe(false);
      });

      it('lists succeeded ticks and active runs within a range', async () => {
        await claimOne(tick('alpha', T0, 'r0'));
        await claimOne(tick('alpha', T1, 'r1'));
        await claimOne(tick('alpha', T2, 'r2'));
        await b.state.finishRun(finished((await b.state.getRun('r0'))!));
        await b.state.finishRun(finished((await b.state.getRun('r1'))!, 'failed'));
        const got = await b.scheduling.scheduledRuns('alpha', T0, T2);
        expect([...got.succeeded]).toEqual([T0]);
        expect(got.active.map((r) => r.executionName)).toEqual(['r2']);
        expect((await b.scheduling.scheduledRuns('alpha', T1, T1)).active).toEqual([]);
      });

      it('prunes old claims without letting their ticks be claimed again', async () => {
        await claimOne(tick('alpha', T0, 'r0'));
        expect(await b.scheduling.pruneSchedule(plus(NOW, 1).toISOString())).toBeGreaterThanOrEqual(1);
        expect(await claimOne(tick('alpha', T0, 'r0b'))).toBe(false);
      });
    });

    describe('curation changes', () => {
      it('reports curations put and deleted after a sequence number', async () => {
        const start = await b.scheduling.curationChanges(Number.MAX_SAFE_INTEGER);
        expect(start.curationTypes).toEqual([]);
        await b.state.putCuration(curationFixture({ curationType: 'a' }));
        await b.state.putCuration(curationFixture({ curationType: 'b' }));
        const first = await b.scheduling.curationChanges(start.seq);
        expect(first.curationTypes).toEqual(['a', 'b']);
        expect(first.seq).toBeGreaterThan(start.seq);
        await b.state.putCuration(curationFixture({ curationType: 'a', enabled: false }));
        await b.state.deleteCuration('b');
        const second = await b.scheduling.curationChanges(first.seq);
        expect(second.curationTypes).toEqual(['a', 'b']);
        expect(await b.scheduling.curationChanges(second.seq)).toEqual({ seq: second.seq, curationTypes: [] });
      });
    });

    describe('run leases', () => {
      it('hands each run to one worker at a time, oldest first', async () => {
        await b.state.createRun(queuedRun('r1', 'alpha', { createdAt: '2027-01-04T10:00:00.001Z' }));
        await b.state.createRun(queuedRun('r2', 'beta', { createdAt: '2027-01-04T10:00:00.002Z' }));
        const first = await b.scheduling.claimNextRun(lease('w1'));
        expect(first).toMatchObject({ run: { executionName: 'r1' }, claims: 1 });
        expect(first?.previousOwner).toBeUndefined();
        expect((await b.scheduling.claimNextRun(lease('w2')))?.run.executionName).toBe('r2');
        expect(await b.scheduling.claimNextRun(lease('w3'))).toBeUndefined();
        expect(await b.scheduling.claimRun('r1', lease('w3'))).toBeUndefined();
      });

      it('lets a run of one curation wait for the older active one, except backfills', async () => {
        await b.state.createRun(queuedRun('a1', 'alpha', { createdAt: '2027-01-04T10:00:00.001Z' }));
        await b.state.createRun(queuedRun('a2', 'alpha', { createdAt: '2027-01-04T10:00:00.002Z' }));
        await b.state.createRun(queuedRun('a3', 'alpha', { createdAt: '2027-01-04T10:00:00.003Z', trigger: 'backfill' }));
        expect((await b.scheduling.claimNextRun(lease('w1')))?.run.executionName).toBe('a1');
        expect((await b.scheduling.claimNextRun(lease('w1')))?.run.executionName).toBe('a3');
        expect(await b.scheduling.claimNextRun(lease('w1'))).toBeUndefined();
        await b.state.finishRun(finished((await b.state.getRun('a1'))!));
        expect((await b.scheduling.claimNextRun(lease('w1')))?.run.executionName).toBe('a2');
      });

      it('claims a run by name only when it is first in line of its curation (backfills excepted)', async () => {
        await b.state.createRun(queuedRun('a1', 'alpha', { createdAt: '2027-01-04T10:00:00.001Z' }));
        await b.state.createRun(queuedRun('a2', 'alpha', { createdAt: '2027-01-04T10:00:00.002Z', trigger: 'manual' }));
        await b.state.createRun(queuedRun('a3', 'alpha', { createdAt: '2027-01-04T10:00:00.003Z', trigger: 'backfill' }));
        expect(await b.scheduling.claimRun('a2', lease('w1'))).toBeUndefined();
        expect((await b.scheduling.claimRun('a3', lease('w1')))?.run.executionName).toBe('a3');
        expect((await b.scheduling.claimRun('a1', lease('w1')))?.run.executionName).toBe('a1');
        expect(await b.scheduling.claimRun('a2', lease('w2'))).toBeUndefined();
        await b.state.finishRun(finished((await b.state.getRun('a1'))!));
        expect((await b.scheduling.claimRun('a2', lease('w2')))?.run.executionName).toBe('a2');
      });

      it('lets a queued run asked to cancel be claimed at once, ahead of the older active run it waited behind', async () => {
        await b.state.createRun(queuedRun('a1', 'alpha', { createdAt: '2027-01-04T10:00:00.001Z' }));
        expect((await b.scheduling.claimNextRun(lease('w1')))?.run.executionName).toBe('a1');
        const a2 = queuedRun('a2', 'alpha', { createdAt: '2027-01-04T10:00:00.002Z', trigger: 'manual' });
        expect(await b.scheduling.enqueueRun(a2, 'queue', NOW, 'unused')).toEqual({ queued: true, behind: ['a1'], cancelling: [] });
        await b.state.createRun(queuedRun('a3', 'alpha', { createdAt: '2027-01-04T10:00:00.003Z' }));
        // Waiting behind a1: claimable neither way.
        expect(await b.scheduling.claimRun('a2', lease('w2'))).toBeUndefined();
        expect(await b.scheduling.claimNextRun(lease('w2'))).toBeUndefined();
        await b.scheduling.requestCancel('a2', 'cancelled by the test', NOW);
        // Asked to cancel, it waits for nobody: claimable by claimNextRun and by claimRun.
        expect(await b.scheduling.claimNextRun(lease('w2'))).toMatchObject({ run: { executionName: 'a2', status: 'queued' }, claims: 1 });
        await b.scheduling.releaseLease('a2', 'w2');
        expect(await b.scheduling.claimRun('a2', lease('w3'))).toMatchObject({ run: { executionName: 'a2' }, claims: 2, previousOwner: 'w2' });
        // The run after it still waits (behind a1 and a2), and is not asked to cancel.
        expect(await b.scheduling.claimRun('a3', lease('w4'))).toBeUndefined();
        expect(await b.scheduling.claimNextRun(lease('w4'))).toBeUndefined();
        // The older active run is unaffected: still w1's, still active, not asked to cancel.
        expect(await b.scheduling.renewLeases('w1', ['a1'], plus(NOW, 60_000))).toEqual(['a1']);
        expect(await b.scheduling.claimRun('a1', lease('w4'))).toBeUndefined();
        expect(await b.scheduling.cancelRequests(['a1', 'a2', 'a3'])).toEqual(new Map([['a2', 'cancelled by the test']]));
        expect((await b.scheduling.activeRuns(['alpha'])).map((r) => r.executionName)).toEqual(['a1', 'a2', 'a3']);
        expect((await b.state.getRun('a1'))?.status).toBe('queued');
      });
    });

    describe('enqueueRun (overlap applied atomically as a run is stored)', () => {
      const reason = 'superseded (overlap: cancelRunning)';

      it('stores a run when no other run of its curation is active, whatever the policy', async () => {
        await b.state.createRun(queuedRun('b1', 'beta'));
        for (const [i, policy] of (['skip', 'queue', 'cancelRunning'] as const).entries()) {
          const type = `solo${i}`;
          expect(await b.scheduling.enqueueRun(queuedRun(`${type}-1`, type), policy, NOW, reason)).toEqual({ queued: true, behind: [], cancelling: [] });
          expect((await b.state.getRun(`${type}-1`))?.status).toBe('queued');
        }
      });

      it('skip: stores nothing while a run is active and names that run; a finished or backfill run does not count', async () => {
        await b.state.createRun(queuedRun('a1', 'alpha', { createdAt: '2027-01-04T10:00:00.001Z', trigger: 'backfill' }));
        expect(await b.scheduling.enqueueRun(queuedRun('a2', 'alpha', { createdAt: '2027-01-04T10:00:00.002Z', trigger: 'manual' }), 'skip', NOW, reason)).toMatchObject({ queued: true });
        const refused = await b.scheduling.enqueueRun(queuedRun('a3', 'alpha', { createdAt: '2027-01-04T10:00:00.003Z', trigger: 'api' }), 'skip', NOW, reason);
        expect(refused).toMatchObject({ queued: false, active: { executionName: 'a2', status: 'queued' } });
        expect(await b.state.getRun('a3')).toBeUndefined();
        // A backfill run is not subject to the policy.
        expect(await b.scheduling.enqueueRun(queuedRun('a4', 'alpha', { trigger: 'backfill' }), 'skip', NOW, reason)).toMatchObject({ queued: true });
        await b.state.finishRun(finished((await b.state.getRun('a2'))!));
        expect(await b.scheduling.enqueueRun(queuedRun('a5', 'alpha', { trigger: 'manual' }), 'skip', NOW, reason)).toMatchObject({ queued: true, behind: [] });
      });

      it('queue: stores the run behind the active ones, which it then waits for', async () => {
        await b.state.createRun(queuedRun('a1', 'alpha', { createdAt: '2027-01-04T10:00:00.001Z' }));
        const outcome = await b.scheduling.enqueueRun(queuedRun('a2', 'alpha', { createdAt: '2027-01-04T10:00:00.002Z', trigger: 'manual' }), 'queue', NOW, reason);
        expect(outcome).toEqual({ queued: true, behind: ['a1'], cancelling: [] });
        expect(await b.scheduling.claimRun('a2', lease('w1'))).toBeUndefined();
        expect(await b.scheduling.cancelRequests(['a1'])).toEqual(new Map());
      });

      it('cancelRunning: stores the run and requests the cancellation of every active one', async () => {
        await b.state.createRun(queuedRun('a1', 'alpha', { createdAt: '2027-01-04T10:00:00.001Z', status: 'running' }));
        await b.state.createRun(queuedRun('a2', 'alpha', { createdAt: '2027-01-04T10:00:00.002Z' }));
        const outcome = await b.scheduling.enqueueRun(queuedRun('a3', 'alpha', { createdAt: '2027-01-04T10:00:00.003Z', trigger: 'manual' }), 'cancelRunning', NOW, reason);
        expect(outcome).toEqual({ queued: true, behind: ['a1', 'a2'], cancelling: ['a1', 'a2'] });
        expect(await b.scheduling.cancelRequests(['a1', 'a2', 'a3'])).toEqual(new Map([['a1', reason], ['a2', reason]]));
      });

      it('of concurrent starts under skip, exactly one is stored', async () => {
        const outcomes = await Promise.all(
          Array.from({ length: 8 }, (_, i) => b.scheduling.enqueueRun(queuedRun(`c${i}`, 'gamma', { trigger: 'manual', createdAt: `2027-01-04T10:00:00.00${i}Z` }), 'skip', NOW, reason)),
        );
        expect(outcomes.filter((o) => o.queued)).toHaveLength(1);
        expect((await b.scheduling.activeRuns(['gamma'])).map((r) => r.executionName)).toHaveLength(1);
      });
    });

    describe('run leases, continued', () => {
      it('gives an expired lease to another worker and counts the claims', async () => {
        await b.state.createRun(queuedRun('r1'));
        await b.scheduling.claimNextRun(lease('w1', NOW, 1000));
        const later = plus(NOW, 1001);
        const taken = await b.scheduling.claimNextRun(lease('w2', later));
        expect(taken).toMatchObject({ run: { executionName: 'r1' }, claims: 2, previousOwner: 'w1' });
        expect(await b.scheduling.renewLeases('w1', ['r1'], plus(later, 5000))).toEqual([]);
        expect(await b.scheduling.renewLeases('w2', ['r1', 'other'], plus(later, 5000))).toEqual(['r1']);
        expect(await b.scheduling.claimNextRun(lease('w3', plus(later, 4000)))).toBeUndefined();
      });

      it('makes a released run claimable again, and a finished one never', async () => {
        await b.state.createRun(queuedRun('r1'));
        await b.scheduling.claimNextRun(lease('w1'));
        await b.scheduling.releaseLease('r1', 'w2');
        expect(await b.scheduling.claimRun('r1', lease('w2'))).toBeUndefined();
        await b.scheduling.releaseLease('r1', 'w1');
        expect((await b.scheduling.claimRun('r1', lease('w2')))?.claims).toBe(2);
        await b.state.finishRun(finished((await b.state.getRun('r1'))!));
        await b.scheduling.releaseLease('r1', 'w2');
        expect(await b.scheduling.claimRun('r1', lease('w3'))).toBeUndefined();
        expect(await b.scheduling.activeRuns(['alpha'])).toEqual([]);
      });

      it('caps live leases over every worker with maxActive: the third claim waits until one is released', async () => {
        for (const [i, c] of ['alpha', 'beta', 'gamma', 'delta'].entries()) {
          await b.state.createRun(queuedRun(`r${i + 1}`, c, { createdAt: `2027-01-04T10:00:00.00${i + 1}Z` }));
        }
        const capped = (owner: string, now = NOW) => ({ ...lease(owner, now), maxActive: 2 });
        expect((await b.scheduling.claimNextRun(capped('w1')))?.run.executionName).toBe('r1');
        expect((await b.scheduling.claimNextRun(capped('w2')))?.run.executionName).toBe('r2');
        expect(await b.scheduling.claimNextRun(capped('w3'))).toBeUndefined();
        expect(await b.scheduling.claimRun('r3', capped('w3'))).toBeUndefined();
        // The cap binds only claims that ask for it.
        expect((await b.scheduling.claimRun('r4', lease('w4')))?.run.executionName).toBe('r4');
        await b.scheduling.releaseLease('r4', 'w4');
        await b.scheduling.releaseLease('r1', 'w1');
        expect((await b.scheduling.claimNextRun(capped('w3')))?.run.executionName).toBe('r1');
        expect(await b.scheduling.claimNextRun(capped('w3'))).toBeUndefined();
        // Expired leases do not count: w1's and w2's end after 30 s.
        const later = plus(NOW, 30_001);
        expect((await b.scheduling.claimRun('r3', capped('w3', later)))?.run.executionName).toBe('r3');
        expect((await b.scheduling.claimNextRun(capped('w4', later)))?.run.executionName).toBe('r1');
        expect(await b.scheduling.claimNextRun(capped('w5', later))).toBeUndefined();
      });

      it('lists active runs and repairs runs whose record exists but status does not say so', async () => {
        await b.state.createRun(queuedRun('r1'));
        await b.state.createRun(queuedRun('r2', 'alpha', { createdAt: '2027-01-04T10:00:01.000Z' }));
        expect((await b.scheduling.activeRuns(['alpha'])).map((r) => r.executionName)).toEqual(['r1', 'r2']);
        await b.state.finishRun(finished((await b.state.getRun('r1'))!));
        // A worker that saved the run after another process finished it leaves it looking active.
        await b.state.saveRun({ ...(await b.state.getRun('r1'))!, status: 'running' });
        expect((await b.scheduling.activeRuns(['alpha'])).map((r) => r.executionName)).toEqual(['r2']);
        expect(await b.scheduling.repairFinishedRuns()).toBe(1);
        expect((await b.state.getRun('r1'))?.status).toBe('succeeded');
      });

      it('records cancel requests once and reports them by name', async () => {
        await b.state.createRun(queuedRun('r1'));
        await b.scheduling.requestCancel('r1', 'superseded', NOW);
        await b.scheduling.requestCancel('r1', 'again', NOW);
        expect(await b.scheduling.cancelRequests(['r1', 'r2'])).toEqual(new Map([['r1', 'superseded']]));
        expect(await b.scheduling.cancelRequests([])).toEqual(new Map());
      });
    });

    describe('workers', () => {
      it('lists workers by heartbeat and forgets removed ones', async () => {
        const w = { workerId: 'h:1', host: 'h', pid: 1, startedAt: T0, heartbeatAt: T0, url: 'http://127.0.0.1:1' };
        await b.scheduling.heartbeat(w);
        await b.scheduling.heartbeat({ ...w, workerId: 'h:2', pid: 2, url: undefined });
        await b.scheduling.heartbeat({ ...w, heartbeatAt: T2 });
        expect(await b.scheduling.listWorkers(T1)).toEqual([{ ...w, heartbeatAt: T2 }]);
        expect((await b.scheduling.listWorkers(T0)).map((x) => x.workerId)).toEqual(['h:1', 'h:2']);
        await b.scheduling.removeWorker('h:1');
        expect((await b.scheduling.listWorkers(T0)).map((x) => x.workerId)).toEqual(['h:2']);
      });
    });
  });
}
