import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homeLayout } from '../../src/drivers/common/home.js';
import { openProject } from '../../src/drivers/open-project.js';
import type { Project } from '../../src/drivers/project.js';
import { createRun } from '../../src/engine/create-run.js';
import { historyRecordFixture } from '../../src/ports/state-store.contract.js';
import { stateMachineDefinition } from '../../src/serverless/state-machine.js';
import type { StepAnswer, StepInput } from '../../src/serverless/step-protocol.js';
import { behindRecheckSeconds, LOST_AFTER_MS, MAX_UPSTREAM_LOOKS, recheckSeconds, UPSTREAM_RECHECK_SECONDS } from '../../src/serverless/start-gate.js';
import { cleanup, exampleHome } from '../helpers/cli.js';
import { runStepOn } from '../helpers/embedded-run-step.js';
import { runLocally } from '../helpers/local-state-machine.js';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:adp-run-step';
const SAMPLE = 'wildrydes-rydebooking';

// Step Functions starts each serverless run at once: a run stored behind others of
// its curation (overlap queue, cancelRunning) waits in its first Task for them, and
// a run of a curation with dependsOn for the upstreams' runs of the same scheduled
// time. The generated state machine runs in aws-local-stepfunctions (Waits cut to
// 0 ms, the seconds asked for kept), each Task served by runStep on the embedded driver.
describe('serverless start gate: the first Task waits for the runs before it and for its upstreams, then runs or records skipped', () => {
  let home: string;
  let project: Project;
  let handler: (input: StepInput) => Promise<StepAnswer>;
  const definition = stateMachineDefinition({ runStepFunctionArn: ARN });
  let tick = Math.floor(Date.now() / 60_000) * 60_000;

  beforeAll(async () => {
    home = await exampleHome(40);
    project = await openProject(homeLayout(home));
    const sample = (await project.state.getCuration(SAMPLE))!.definition;
    await project.state.putCuration({ ...sample, curationType: 'up' });
    await project.state.putCuration({ ...sample, curationType: 'down', dependsOn: ['up'], dependsOnWaitSeconds: 3600, overlap: 'queue' });
    await project.state.putCuration({ ...sample, curationType: 'queued', overlap: 'queue' });
    await project.state.putCuration({ ...sample, curationType: 'superseding', overlap: 'cancelRunning' });
    handler = await runStepOn(project);
  });

  afterAll(async () => {
    await project?.close();
    if (home) cleanup(home);
  });

  /** A new scheduled time for each case, so one case's upstream records never answer another's. */
  function nextTick(): Date {
    tick -= 60_000;
    return new Date(tick);
  }

  async function scheduled(curationType: string, at: Date): Promise<string> {
    const run = await createRun({ state: project.state, clock: project.clock, queue: project.scheduling }, { curationType, trigger: 'schedule', scheduledTime: at });
    return run.executionName;
  }

  async function upstreamEnded(at: Date, status: 'succeeded' | 'failed'): Promise<void> {
    await project.state.finishRun(
      historyRecordFixture({ curationType: 'up', curationExecutionName: `up-${at.getTime()}-${status}`, scheduledTime: at.toISOString(), trigger: 'schedule', status, timestamp: Date.now() }),
    );
  }

  const recordOf = (name: string) => project.state.getHistoryRecord(name);

  it('runs at once when the upstream already succeeded for the same scheduled time, with no Wait', async () => {
    const at = nextTick();
    await upstreamEnded(at, 'succeeded');
    const name = await scheduled('down', at);
    const execution = await runLocally(definition, { executionName: name, caught: null }, handler);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.entered).not.toContain('WaitBeforeRetrieve');
    expect(await recordOf(name)).toMatchObject({ status: 'succeeded', rowCount: 40, scheduledTime: at.toISOString() });
  });

  it('waits while the upstream has no run yet, a Wait per look, and runs once it succeeds', async () => {
    const at = nextTick();
    const name = await scheduled('down', at);
    let looks = 0;
    const whileWaiting: unknown[] = [];
    const execution = await runLocally(definition, { executionName: name, caught: null }, handler, async (state, call) => {
      if (state === 'Retrieve' && ++looks === 3) {
        const run = await project.state.getRun(name);
        whileWaiting.push(run?.status, run?.startedAt);
        await upstreamEnded(at, 'succeeded');
      }
      return call();
    });
    // While it waited, the run stayed queued before its first step: nothing of it had started.
    expect(whileWaiting).toEqual(['queued', undefined]);
    // Its event log says what it waited for, once however many looks it took.
    const notes = (await project.state.getRun(name))?.context.events?.flatMap((e) => (e.kind === 'stepNote' && e.step === 'retrieve' ? [e.note] : []));
    expect(notes).toEqual([`waiting for upstream up (no run yet) until ${new Date(at.getTime() + 3600_000).toISOString()} (dependsOnWaitSeconds)`]);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.entered.slice(0, 7)).toEqual(['Retrieve', 'AfterRetrieve', 'WaitBeforeRetrieve', 'Retrieve', 'AfterRetrieve', 'WaitBeforeRetrieve', 'Retrieve']);
    expect(execution.entered.filter((s) => s === 'WaitBeforeRetrieve')).toHaveLength(2);
    expect(await recordOf(name)).toMatchObject({ status: 'succeeded', rowCount: 40 });
  });

  it('asks for Waits of the recheck interval, never past the deadline', async () => {
    const at = nextTick();
    const first = await scheduled('down', at);
    const answer = await handler({ executionName: first, step: 'retrieve', caught: null });
    expect(answer).toMatchObject({ kind: 'wait', step: 'retrieve' });
    expect(answer.seconds).toBe(UPSTREAM_RECHECK_SECONDS);
    const late = new Date(Date.now() - 3600_000 + 20_000);
    const nearDeadline = await scheduled('down', new Date(Math.floor(late.getTime() / 1000) * 1000));
    const short = await handler({ executionName: nearDeadline, step: 'retrieve', caught: null });
    expect(short.kind).toBe('wait');
    expect(short.seconds).toBeGreaterThan(0);
    expect(short.seconds).toBeLessThanOrEqual(20);
    // Both end here (cancelled), so no later case waits behind them.
    for (const name of [first, nearDeadline]) {
      await project.scheduling.requestCancel(name, 'done with this case', project.clock.now());
      expect((await runLocally(definition, { executionName: name, caught: null }, handler)).error).toBe('adp.RunCancelled');
    }
    // A week's wait looks every ~10 minutes: at most MAX_UPSTREAM_LOOKS looks, within an execution's 25,000 history events.
    expect(recheckSeconds(3600)).toBe(60);
    expect(recheckSeconds(7 * 86_400)).toBe(605);
    expect((7 * 86_400) / recheckSeconds(7 * 86_400)).toBeLessThanOrEqual(MAX_UPSTREAM_LOOKS);
  });

  it('records skipped, naming the upstream, when the upstream failed for that scheduled time: the execution succeeds without a query', async () => {
    const at = nextTick();
    await upstreamEnded(at, 'failed');
    const name = await scheduled('down', at);
    const execution = await runLocally(definition, { executionName: name, caught: null }, handler);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.entered).not.toContain('StartQuery');
    expect(execution.entered.filter((s) => s === 'Record')).toHaveLength(1);
    const record = await recordOf(name);
    expect(record).toMatchObject({ status: 'skipped', error: 'UPSTREAM_NOT_SUCCEEDED', trigger: 'schedule', scheduledTime: at.toISOString() });
    expect(record?.errorCause?.errorMessage).toMatch(/^upstream up failed for /);
    expect(record?.athenaQueryExecutionId).toBeUndefined();
  });

  it('records skipped once dependsOnWaitSeconds after the scheduled time passed with the upstream still missing', async () => {
    const at = new Date(Math.floor((Date.now() - 2 * 3600_000) / 60_000) * 60_000);
    const name = await scheduled('down', at);
    const execution = await runLocally(definition, { executionName: name, caught: null }, handler);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.entered).not.toContain('WaitBeforeRetrieve');
    const record = await recordOf(name);
    expect(record).toMatchObject({ status: 'skipped', error: 'UPSTREAM_NOT_SUCCEEDED' });
    expect(record?.errorCause?.errorMessage).toMatch(/within 3600 s \(dependsOnWaitSeconds\): up \(no run yet\)/);
  });

  it('does not gate what is not a scheduled run: a manual run of the same curation runs at once', async () => {
    const run = await createRun({ state: project.state, clock: project.clock, queue: project.scheduling }, { curationType: 'down', trigger: 'manual' });
    const execution = await runLocally(definition, { executionName: run.executionName, caught: null }, handler);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.entered).not.toContain('WaitBeforeRetrieve');
    expect(await recordOf(run.executionName)).toMatchObject({ status: 'succeeded' });
  });

  /** A manual run, created a millisecond after the previous one at least: runs created in one millisecond are ordered by name. */
  let lastCreated = 0;
  const manual = async (curationType: string) => {
    while (Date.now() <= lastCreated) await new Promise((r) => setTimeout(r, 1));
    const run = await createRun({ state: project.state, clock: project.clock, queue: project.scheduling }, { curationType, trigger: 'manual' });
    lastCreated = Date.parse(run.createdAt);
    return run.executionName;
  };

  it('overlap queue: a run stored behind an active one waits in its first Task until that one ended, then runs', async () => {
    const first = await manual('queued');
    const second = await manual('queued');
    let looks = 0;
    const execution = await runLocally(definition, { executionName: second, caught: null }, handler, async (state, call) => {
      if (state === 'Retrieve' && ++looks === 2) expect((await runLocally(definition, { executionName: first, caught: null }, handler)).status).toBe('SUCCEEDED');
      return call();
    });
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.entered.filter((s) => s === 'WaitBeforeRetrieve')).toHaveLength(1);
    const notes = (await project.state.getRun(second))?.context.events?.filter((e) => e.kind === 'stepNote' && e.step === 'retrieve');
    expect(notes).toMatchObject([{ step: 'retrieve', note: `waiting behind ${first} (queued)` }]);
    const [a, b] = [await recordOf(first), await recordOf(second)];
    expect([a?.status, b?.status]).toEqual(['succeeded', 'succeeded']);
    expect(Date.parse(b!.startedAt!)).toBeGreaterThanOrEqual(a!.timestamp);
    // Backfills run side by side: one behind an active run starts at once, and holds up nobody.
    const held = await manual('queued');
    const backfill = (await createRun({ state: project.state, clock: project.clock, queue: project.scheduling }, { curationType: 'queued', trigger: 'backfill', scheduledTime: nextTick() })).executionName;
    expect(await handler({ executionName: backfill, step: 'retrieve', caught: null })).toMatchObject({ kind: 'step', step: 'validate' });
    expect((await runLocally(definition, { executionName: held, caught: null }, handler)).status).toBe('SUCCEEDED');
    expect((await runLocally(definition, { executionName: backfill, caught: null }, handler)).status).toBe('SUCCEEDED');
    // A run no execution drives any more (not saved for over an hour) holds nobody up either.
    const lost = await manual('queued');
    await project.state.saveRun({ ...(await project.state.getRun(lost))!, status: 'running', updatedAt: new Date(Date.now() - LOST_AFTER_MS - 1000).toISOString() });
    const after = await manual('queued');
    expect(await handler({ executionName: after, step: 'retrieve', caught: null })).toMatchObject({ kind: 'step', step: 'validate' });
    expect((await runLocally(definition, { executionName: after, caught: null }, handler)).status).toBe('SUCCEEDED');
    expect(behindRecheckSeconds(0)).toBe(10);
    expect(behindRecheckSeconds(3600_000)).toBe(300);
  });

  it('overlap cancelRunning: the superseded run ends cancelled at its next Task, and the new one runs after it', async () => {
    const old = await manual('superseding');
    const next = await manual('superseding');
    expect((await project.scheduling.cancelRequests([old])).size).toBe(1);
    const waiting = await handler({ executionName: next, step: 'retrieve', caught: null });
    expect(waiting).toMatchObject({ kind: 'wait', step: 'retrieve', seconds: 10 });
    const superseded = await runLocally(definition, { executionName: old, caught: null }, handler);
    expect(superseded).toMatchObject({ status: 'FAILED', error: 'adp.RunCancelled' });
    expect((await runLocally(definition, { executionName: next, caught: null }, handler)).status).toBe('SUCCEEDED');
    expect((await recordOf(old))?.status).toBe('cancelled');
    expect((await recordOf(next))?.status).toBe('succeeded');
  });
});
