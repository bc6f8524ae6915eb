import { afterEach, describe, expect, it } from 'vitest';
import { LeaseLostError, TransientError } from '../domain/errors.js';
import { cleanup } from '../../test/helpers/cli.js';
import { FakeClock } from '../../test/helpers/fake-clock.js';
import { GatedQueryEngine } from '../../test/helpers/gated-query-engine.js';
import { openExample } from '../../test/helpers/project.js';
import { override } from '../../test/helpers/override.js';
import { createRun } from './create-run.js';
import type { EngineDeps } from './engine-deps.js';
import { advanceRun, failRun, type NextMove } from './run-workflow.js';

const TYPE = 'wildrydes-rydebooking';
const T0 = '2027-01-04T10:00:00.000Z';

describe('advanceRun: the run advanced one step per call', () => {
  const homes: string[] = [];
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    for (const home of homes.splice(0)) cleanup(home);
  });

  /** The example project on a fake clock, its queries held by a gate (an engine with no in-process wait, like Athena). */
  async function setup(timeoutSeconds?: number) {
    const ex = await openExample(10);
    homes.push(ex.home);
    closers.push(() => ex.project.close());
    const clock = new FakeClock(T0);
    const gate = new GatedQueryEngine(ex.project.objects);
    const deps: EngineDeps = { ...ex.deps, clock, queries: gate, settings: { ...ex.deps.settings, poll: { firstMs: 1000, factor: 2, maxMs: 5000 } } };
    if (timeoutSeconds !== undefined) {
      const sample = (await ex.project.state.getCuration(TYPE))!.definition;
      await ex.project.state.putCuration({ ...sample, timeoutSeconds });
    }
    const run = await createRun({ ...deps, queue: ex.deps.queue }, { curationType: TYPE, trigger: 'manual' });
    return { deps, clock, gate, name: run.executionName };
  }

  /** Advances until the run leaves the poll (or `limit` calls), moving the fake clock by each wait. */
  async function drive(deps: EngineDeps, clock: FakeClock, name: string, limit = 20): Promise<NextMove[]> {
    const moves: NextMove[] = [];
    for (let i = 0; i < limit; i++) {
      const move = await advanceRun(deps, name);
      moves.push(move);
      if (move.kind === 'done') break;
      if (move.kind === 'wait') clock.set(new Date(clock.now().getTime() + move.ms));
    }
    return moves;
  }

  it('answers each step in order, polls with growing bounded waits instead of sleeping, and ends done with the record', async () => {
    const { deps, clock, gate, name } = await setup();
    const first = await drive(deps, clock, name, 8);
    expect(first.slice(0, 3)).toEqual([
      { kind: 'step', step: 'validate' },
      { kind: 'step', step: 'startQuery' },
      { kind: 'step', step: 'awaitQuery' },
    ]);
    const waits = first.slice(3).map((m) => (m.kind === 'wait' ? m.ms : -1));
    expect(waits).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect((await deps.state.getRun(name))?.context.polls).toBe(5);
    gate.release();
    const rest = await drive(deps, clock, name);
    expect(rest.map((m) => (m.kind === 'done' ? m.record.status : m.kind === 'step' ? m.step : m.kind))).toEqual([
      'publishOutput',
      'publishOutput',
      'record',
      'succeeded',
    ]);
    expect(await advanceRun(deps, name)).toEqual(rest.at(-1));
  });

  it('a worker whose lease another worker took stops right before publishing: LeaseLostError, nothing published, nothing recorded', async () => {
    const { deps, clock, gate, name } = await setup();
    gate.release();
    let move: NextMove;
    do {
      move = await advanceRun(deps, name);
      if (move.kind === 'wait') clock.set(new Date(clock.now().getTime() + move.ms));
    } while (!(move.kind === 'step' && move.step === 'publishOutput'));
    const lost = { ...deps, holdsLease: async () => false };
    // publishOutput first saves the name it chose (a move to itself), then publishes: the fence is before that.
    let stopped: unknown;
    for (let i = 0; i < 3 && stopped === undefined; i++) await advanceRun(lost, name).catch((e: unknown) => (stopped = e));
    expect(stopped).toBeInstanceOf(LeaseLostError);
    const run = (await deps.state.getRun(name))!;
    expect(run.step).toBe('publishOutput');
    expect(run.context.failure).toBeUndefined();
    expect(await deps.state.getHistoryRecord(name)).toBeUndefined();
    const out = run.context.definition!.outputDetails;
    expect(await deps.objects.list(out.outputBucket, out.outputFolderPath ?? '')).toEqual([]);
    // The worker that holds the run carries it on to one record.
    const moves = await drive(deps, clock, name);
    expect(moves.at(-1)).toMatchObject({ kind: 'done', record: { status: 'succeeded' } });
  });

  it('with expectStep set to another step, answers where the run is and does nothing', async () => {
    const { deps, name } = await setup();
    const before = await deps.state.getRun(name);
    expect(await advanceRun(deps, name, { expectStep: 'startQuery' })).toEqual({ kind: 'step', step: 'retrieve' });
    expect(await deps.state.getRun(name)).toStrictEqual(before);
  });

  it('a retryable failure is a wait of the retry delay with the attempt saved; the last attempt sends the run to record', async () => {
    const { deps, clock, name } = await setup();
    const failing: EngineDeps = {
      ...deps,
      settings: { ...deps.settings, retry: { maxAttempts: 3, intervalMs: 2000, backoffRate: 1.5 } },
      queries: override(deps.queries, { start: async () => { throw new TransientError('throttled (injected)'); } }),
    };
    await advanceRun(failing, name);
    await advanceRun(failing, name);
    const moves = await drive(failing, clock, name, 3);
    expect(moves.map((m) => (m.kind === 'wait' ? [m.reason, m.step, m.ms, m.error?.name] : m))).toEqual([
      ['retry', 'startQuery', 2000, 'TransientError'],
      ['retry', 'startQuery', 3000, 'TransientError'],
      { kind: 'step', step: 'record', failure: 'failed' },
    ]);
    const run = await deps.state.getRun(name);
    expect(run).toMatchObject({ step: 'record', context: { retries: 2, failure: { error: 'TRANSIENT' } } });
  });

  it('past timeoutSeconds the query is stopped and the run goes to record as timed_out', async () => {
    const { deps, clock, gate, name } = await setup(12);
    const moves = await drive(deps, clock, name, 12);
    const waits = moves.filter((m) => m.kind === 'wait').map((m) => (m as { ms: number }).ms);
    // The last wait is cut to the deadline rather than overshooting it.
    expect(waits).toEqual([1000, 2000, 4000, 5000]);
    expect(moves.at(-2)).toEqual({ kind: 'step', step: 'record', failure: 'timed_out' });
    expect(moves.at(-1)).toMatchObject({ kind: 'done', record: { status: 'timed_out', error: 'QUERY_TIMEOUT' } });
    expect(gate.running).toBe(0);
  });

  it('an engine-side CANCELLED goes to record as cancelled, never polled again', async () => {
    const { deps, clock, gate, name } = await setup();
    await drive(deps, clock, name, 4);
    const run = await deps.state.getRun(name);
    await gate.cancel(run!.context.queryExecutionId!);
    expect(await advanceRun(deps, name)).toEqual({ kind: 'step', step: 'record', failure: 'cancelled' });
    expect(await advanceRun(deps, name)).toMatchObject({ kind: 'done', record: { status: 'cancelled', error: 'QUERY_CANCELLED' } });
  });

  it('failRun sends the run to record with the error of the step it was at, once', async () => {
    const { deps, name } = await setup();
    await advanceRun(deps, name);
    await failRun(deps, name, new Error('task timed out (injected)'));
    await failRun(deps, name, new Error('a second report'));
    const move = await advanceRun(deps, name);
    expect(move).toMatchObject({
      kind: 'done',
      record: { status: 'failed', error: 'Failed to start processing', errorCause: { errorMessage: 'task timed out (injected)' } },
    });
  });
});
