import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AthenaQueryEngine } from '../../src/adapters/aws/athena/athena-query-engine.js';
import { SfnExecutionStarter } from '../../src/adapters/aws/stepfunctions/sfn-execution-starter.js';
import { AWS_ENGINE_NAME } from '../../src/drivers/aws/lambda-state.js';
import { scheduledExecutionName, startExecution } from '../../src/serverless/start-execution.js';
import { LOST_AFTER_MS } from '../../src/serverless/start-gate.js';
import { cleanup } from '../helpers/cli.js';
import { openExample } from '../helpers/project.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../helpers/aws/aws-test-env.js';

const ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:adp-run';

describe('start-execution: a run and its Step Functions execution per curation and scheduled time (aws-sdk-client-mock for Step Functions)', () => {
  const sfn = mockClient(SFNClient);
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    sfn.reset();
    for (const close of closers.splice(0)) await close();
  });

  async function setup() {
    const ex = await openExample(5);
    closers.push(async () => {
      await ex.project.close();
      cleanup(ex.home);
    });
    const executions = new SfnExecutionStarter({ stateMachineArn: ARN, client: new SFNClient({ region: TEST_REGION, credentials: TEST_CREDENTIALS }) });
    return { deps: { state: ex.project.state, queue: ex.project.scheduling, clock: ex.project.clock, executions, engineName: 'duckdb' }, project: ex.project };
  }

  it('names the execution as the sample does, from a hash of curation and time: the same for the same pair, another for another', () => {
    const at = new Date('2027-01-04T10:00:00Z');
    const name = scheduledExecutionName('wildrydes-rydebooking', at);
    expect(name).toMatch(/^20270104100000[A-Z0-9]{6}_wildrydes_rydebooking$/);
    expect(scheduledExecutionName('wildrydes-rydebooking', at)).toBe(name);
    expect(scheduledExecutionName('wildrydes-rydebooking', new Date('2027-01-04T11:00:00Z')).slice(14, 20)).not.toBe(name.slice(14, 20));
  });

  it('a schedule delivered twice queues one run and starts one execution; the second start is the idempotent case', async () => {
    const { deps, project } = await setup();
    sfn.on(StartExecutionCommand).resolvesOnce({ executionArn: `${ARN}:x`, startDate: new Date() }).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    const event = { curationType: 'wildrydes-rydebooking', scheduledTime: '2027-01-04T10:00:00Z' };
    const first = await startExecution(deps, event);
    const second = await startExecution(deps, event);
    expect(first).toMatchObject({ run: 'created', execution: 'started' });
    expect(second).toEqual({ ...first, run: 'exists', execution: 'exists' });
    const input = sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input;
    expect(input).toEqual({ stateMachineArn: ARN, name: first.executionName, input: JSON.stringify({ executionName: first.executionName, caught: null }) });
    expect(await project.state.getRun(first.executionName)).toMatchObject({ status: 'queued', trigger: 'schedule', scheduledTime: '2027-01-04T10:00:00.000Z' });
  });

  it("the overlap policy holds for serverless starts: skip records a tick skipped (naming the active run) and starts nothing; queue stores the run behind it", async () => {
    const { deps, project } = await setup();
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN}:x`, startDate: new Date() });
    const first = await startExecution(deps, { curationType: 'wildrydes-rydebooking', scheduledTime: '2027-01-04T10:00:00Z' });
    expect(first).toMatchObject({ run: 'created', execution: 'started' });

    const tick = { curationType: 'wildrydes-rydebooking', scheduledTime: '2027-01-04T10:05:00Z' };
    const skipped = await startExecution(deps, tick);
    expect(skipped).toEqual({ executionName: scheduledExecutionName(tick.curationType, new Date(tick.scheduledTime)), run: 'skipped', execution: 'none', activeRun: first.executionName });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
    const record = await project.state.getHistoryRecord(skipped.executionName);
    expect(record).toMatchObject({ status: 'skipped', error: 'OVERLAP_SKIPPED', trigger: 'schedule', scheduledTime: '2027-01-04T10:05:00.000Z', engine: 'duckdb' });
    expect(record?.errorCause?.errorMessage).toBe(`previous run ${first.executionName} is still queued (overlap: skip)`);
    // The same tick delivered again finds its record: still skipped, still nothing started.
    expect(await startExecution(deps, tick)).toEqual({ executionName: skipped.executionName, run: 'skipped', execution: 'none' });
    // A start by the API is not a tick: refused the same way, with nothing stored.
    const api = await startExecution(deps, { curationType: 'wildrydes-rydebooking' });
    expect(api).toMatchObject({ run: 'skipped', execution: 'none', activeRun: first.executionName });
    expect(await project.state.getRun(api.executionName)).toBeUndefined();
    expect(await project.state.getHistoryRecord(api.executionName)).toBeUndefined();

    const sample = (await project.state.getCuration('wildrydes-rydebooking'))!.definition;
    await project.state.putCuration({ ...sample, overlap: 'queue' });
    const queued = await startExecution(deps, { curationType: 'wildrydes-rydebooking', scheduledTime: '2027-01-04T10:10:00Z' });
    expect(queued).toMatchObject({ run: 'created', execution: 'started' });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(2);
    expect((await project.scheduling.activeRuns(['wildrydes-rydebooking'])).map((r) => r.executionName)).toEqual([first.executionName, queued.executionName]);
  });

  it('a run no execution drives any more (unsaved for over LOST_AFTER_MS) holds no tick up: the next one starts, and the lost one is left as it was', async () => {
    const { deps, project } = await setup();
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN}:x`, startDate: new Date() });
    const lost = await startExecution(deps, { curationType: 'wildrydes-rydebooking', scheduledTime: '2027-01-04T10:00:00Z' });
    const run = (await project.state.getRun(lost.executionName))!;
    const stale = new Date(Date.now() - LOST_AFTER_MS - 60_000).toISOString();
    await project.state.saveRun({ ...run, status: 'running', updatedAt: stale });
    const next = await startExecution(deps, { curationType: 'wildrydes-rydebooking', scheduledTime: '2027-01-04T10:05:00Z' });
    expect(next).toMatchObject({ run: 'created', execution: 'started' });
    expect(await project.state.getHistoryRecord(next.executionName)).toBeUndefined();
    expect((await project.state.getRun(lost.executionName))?.status).toBe('running');
    // One still driven (saved a minute ago) holds the tick up as before.
    await project.state.saveRun({ ...(await project.state.getRun(next.executionName))!, updatedAt: new Date(Date.now() - 60_000).toISOString() });
    expect(await startExecution(deps, { curationType: 'wildrydes-rydebooking', scheduledTime: '2027-01-04T10:10:00Z' })).toMatchObject({ run: 'skipped', activeRun: next.executionName });
  });

  it('a tick delivered twice at once, nothing else active: one queued run, never one skipped for itself', async () => {
    const { deps, project } = await setup();
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN}:x`, startDate: new Date() });
    const tick = { curationType: 'wildrydes-rydebooking', scheduledTime: '2027-01-04T10:06:00Z' };
    const [a, b] = await Promise.all([startExecution(deps, tick), startExecution(deps, tick)]);
    expect(a.executionName).toBe(b.executionName);
    expect([a.run, b.run].sort()).toEqual(['created', 'exists']);
    expect(await project.state.getHistoryRecord(a.executionName)).toBeUndefined();
    expect((await project.state.getRun(a.executionName))?.status).toBe('queued');
  });

  it('the aws driver names the engine its Lambda records carry as the Athena engine does', () => {
    expect(new AthenaQueryEngine({ objects: {} as never, clientConfig: { region: TEST_REGION, credentials: TEST_CREDENTIALS } }).name).toBe(AWS_ENGINE_NAME);
  });
});
