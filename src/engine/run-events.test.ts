import { afterEach, describe, expect, it } from 'vitest';
import { TransientError } from '../domain/errors.js';
import { runTimeline, stepSummaries } from '../domain/run-events.js';
import { STEPS } from '../domain/run.js';
import { cleanup } from '../../test/helpers/cli.js';
import { openExample } from '../../test/helpers/project.js';
import { failingAt } from '../../test/helpers/step-faults.js';
import { createRun } from './create-run.js';
import { override } from '../../test/helpers/override.js';
import { advanceRun, executeRun } from './run-workflow.js';

const TYPE = 'wildrydes-rydebooking';

describe('the run event log', () => {
  const homes: string[] = [];
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    for (const home of homes.splice(0)) cleanup(home);
  });

  async function setup() {
    const ex = await openExample(40);
    homes.push(ex.home);
    closers.push(() => ex.project.close());
    return ex;
  }

  it('logs each step started and succeeded, with durations, the query id and rows, in the stored run', async () => {
    const { deps } = await setup();
    const run = await createRun(deps, { curationType: TYPE, trigger: 'manual' });
    const record = await executeRun(deps, run.executionName);
    const stored = (await deps.state.getRun(run.executionName))!;
    const events = stored.context.events!;
    expect(events[0]).toMatchObject({ kind: 'started', worker: deps.workerId });
    for (const step of STEPS.slice(0, -1)) {
      const started = events.filter((e) => e.kind === 'stepStarted' && e.step === step);
      const done = events.filter((e) => e.kind === 'stepSucceeded' && e.step === step);
      expect(started, step).toHaveLength(1);
      expect(done, step).toHaveLength(1);
    }
    expect(events.find((e) => e.kind === 'stepSucceeded' && e.step === 'startQuery')).toMatchObject({ queryExecutionId: record.athenaQueryExecutionId });
    expect(events.find((e) => e.kind === 'stepSucceeded' && e.step === 'awaitQuery')).toMatchObject({ rowCount: record.rowCount });
    expect(events.find((e) => e.kind === 'stepSucceeded' && e.step === 'publishOutput')).toMatchObject({ bytesWritten: record.bytesWritten });
    // Times never go backwards.
    const times = events.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    const timeline = runTimeline(stored, record);
    expect(timeline[0]).toMatchObject({ kind: 'queued', trigger: 'manual' });
    expect(timeline.at(-1)).toMatchObject({ kind: 'finished', status: 'succeeded' });
    expect(stepSummaries(stored, record).map((s) => s.state)).toEqual(STEPS.map(() => 'succeeded'));
    expect(stepSummaries(stored, record).every((s) => s.step === 'record' || s.durationMs !== undefined)).toBe(true);
  });

  it('logs a retry with its reason and delay, and the attempts of the step', async () => {
    const { deps } = await setup();
    let starts = 0;
    const d = {
      ...deps,
      queries: override(deps.queries, {
        start: async (request) => (++starts === 1 ? Promise.reject(new TransientError('engine throttled (injected)')) : deps.queries.start(request)),
      }),
    };
    const run = await createRun(d, { curationType: TYPE, trigger: 'manual' });
    const record = await executeRun(d, run.executionName);
    const stored = (await deps.state.getRun(run.executionName))!;
    const retry = stored.context.events!.find((e) => e.kind === 'retryScheduled');
    expect(retry).toMatchObject({ step: 'startQuery', attempt: 1, delayMs: 5, reason: 'engine throttled (injected)' });
    expect(stored.context.events!.filter((e) => e.kind === 'stepStarted' && e.step === 'startQuery')).toHaveLength(1);
    expect(stepSummaries(stored, record).find((s) => s.step === 'startQuery')).toMatchObject({ state: 'succeeded', attempts: 2 });
  });

  for (const step of ['retrieve', 'validate', 'startQuery', 'awaitQuery', 'publishOutput'] as const) {
    it(`a run failing at ${step} keeps that step in the run and its record; later steps were never reached`, async () => {
      const { deps } = await setup();
      const d = failingAt(deps, step);
      const run = await createRun(d, { curationType: TYPE, trigger: 'manual' });
      const record = await executeRun(d, run.executionName);
      expect(record).toMatchObject({ status: 'failed', failedStep: step });
      const stored = (await deps.state.getRun(run.executionName))!;
      expect(stored.context.failure?.step).toBe(step);
      expect(stored.context.events!.find((e) => e.kind === 'stepFailed')).toMatchObject({ step, status: 'failed' });
      const states = stepSummaries(stored, record);
      const at = STEPS.indexOf(step);
      expect(states.map((s) => s.state)).toEqual(
        STEPS.map((s, i) => (s === 'record' ? 'succeeded' : i < at ? 'succeeded' : i === at ? 'failed' : 'notReached')),
      );
      expect((await deps.state.getHistoryRecord(run.executionName))?.failedStep).toBe(step);
    });
  }

  it('logs a cancel with its reason and the step it stopped before', async () => {
    const { deps } = await setup();
    const run = await createRun(deps, { curationType: TYPE, trigger: 'manual' });
    await advanceRun(deps, run.executionName);
    const controller = new AbortController();
    controller.abort('cancelled from the test');
    const record = await executeRun(deps, run.executionName, { signal: controller.signal });
    expect(record).toMatchObject({ status: 'cancelled', failedStep: 'validate' });
    const stored = (await deps.state.getRun(run.executionName))!;
    expect(stored.context.events!.find((e) => e.kind === 'cancelRequested')).toMatchObject({ step: 'validate', reason: 'cancelled from the test' });
  });

  it('logs a take-over when another worker resumes a running run', async () => {
    const { deps } = await setup();
    const run = await createRun(deps, { curationType: TYPE, trigger: 'manual' });
    await advanceRun(deps, run.executionName);
    const other = { ...deps, workerId: 'other-host:42' };
    const record = await executeRun(other, run.executionName);
    expect(record.status).toBe('succeeded');
    const stored = (await deps.state.getRun(run.executionName))!;
    expect(stored.context.events!.find((e) => e.kind === 'leaseTakenOver')).toMatchObject({ worker: 'other-host:42', previousWorker: deps.workerId });
  });
});
