import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homeLayout } from '../../src/drivers/common/home.js';
import { openProject } from '../../src/drivers/open-project.js';
import type { Project } from '../../src/drivers/project.js';
import { createRun } from '../../src/engine/create-run.js';
import { stateMachineDefinition } from '../../src/serverless/state-machine.js';
import type { StepAnswer, StepInput } from '../../src/serverless/step-protocol.js';
import { cleanup, exampleHome } from '../helpers/cli.js';
import { commitScript } from '../helpers/git.js';
import { runStepOn } from '../helpers/embedded-run-step.js';
import { runLocally } from '../helpers/local-state-machine.js';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:adp-run-step';
const SAMPLE = 'wildrydes-rydebooking';
const SLOW_SQL = 'select count(*) from range(1000000000) a, range(1000000000) b';

// The generated state machine, run by aws-local-stepfunctions, each Task served
// by runStep (what the run-step Lambda does per invocation) on the embedded
// driver: real DuckDB queries, slow ones too. The bundle itself composes the
// aws driver alone; state-machine-aws.test.ts serves every Task with it.
describe('the generated state machine, each Task served by runStep (embedded driver)', () => {
  let home: string;
  let project: Project;
  let handler: (input: StepInput) => Promise<StepAnswer>;
  const definition = stateMachineDefinition({ runStepFunctionArn: ARN });

  beforeAll(async () => {
    home = await exampleHome(40);
    commitScript(home, 'tests/slow.sql', SLOW_SQL);
    commitScript(home, 'tests/bad.sql', 'select no_such_column from wildrydes.rydebookings');
    project = await openProject(homeLayout(home));
    const sample = (await project.state.getCuration(SAMPLE))!.definition;
    await project.state.putCuration({ ...sample, curationType: 'bad', sqlFilePath: 'tests/bad.sql' });
    await project.state.putCuration({ ...sample, curationType: 'slow', sqlFilePath: 'tests/slow.sql', timeoutSeconds: 1 });
    await project.state.putCuration({ ...sample, curationType: 'slow-cancel', sqlFilePath: 'tests/slow.sql' });
    handler = await runStepOn(project);
  });

  afterAll(async () => {
    await project?.close();
    if (home) cleanup(home);
  });

  async function queue(curationType: string): Promise<string> {
    const run = await createRun({ state: project.state, clock: project.clock, queue: project.scheduling }, { curationType, trigger: 'manual' });
    return run.executionName;
  }

  async function recordsOf(curationType: string) {
    return (await project.state.listHistory({ curationType, limit: 10 })).records;
  }

  it('a run that succeeds ends the execution SUCCEEDED with one succeeded record, every poll after a Wait', async () => {
    const name = await queue(SAMPLE);
    const execution = await runLocally(definition, { executionName: name, caught: null }, handler);
    expect(execution.status).toBe('SUCCEEDED');
    const records = await recordsOf(SAMPLE);
    expect(records.filter((r) => r.curationExecutionName === name)).toMatchObject([{ status: 'succeeded', rowCount: 40 }]);
    expect(execution.entered.filter((s) => s === 'Record')).toHaveLength(1);
    execution.entered.forEach((s, i) => s === 'AwaitQuery' && expect(execution.entered[i - 1]).toBe('WaitBeforeAwaitQuery'));
    expect(execution.entered.at(-1)).toBe('Succeeded');
  });

  it('a SQL failure ends the execution FAILED (adp.RunFailed) with one failed record naming the engine error', async () => {
    const name = await queue('bad');
    const execution = await runLocally(definition, { executionName: name, caught: null }, handler);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'adp.RunFailed' });
    expect(execution.cause).toMatch(/no_such_column/);
    expect(await recordsOf('bad')).toMatchObject([{ status: 'failed', curationExecutionName: name, error: 'QUERY_FAILED' }]);
  });

  it('a query past timeoutSeconds is stopped: RunTimedOut branch, one timed_out record, execution FAILED (adp.RunTimedOut)', async () => {
    const name = await queue('slow');
    const execution = await runLocally(definition, { executionName: name, caught: null }, handler);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'adp.RunTimedOut' });
    expect(execution.entered).toContain('RunTimedOut');
    expect(await recordsOf('slow')).toMatchObject([{ status: 'timed_out', error: 'QUERY_TIMEOUT' }]);
  });

  it('a cancel requested while the query runs: RunCancelled branch, one cancelled record, execution FAILED (adp.RunCancelled)', async () => {
    const name = await queue('slow-cancel');
    const execution = await runLocally(definition, { executionName: name, caught: null }, handler, async (state, call) => {
      if (state === 'AwaitQuery') await project.scheduling.requestCancel(name, 'cancelled by the test', project.clock.now());
      return call();
    });
    expect(execution).toMatchObject({ status: 'FAILED', error: 'adp.RunCancelled' });
    expect(execution.entered).toContain('RunCancelled');
    expect(await recordsOf('slow-cancel')).toMatchObject([{ status: 'cancelled', error: 'QUERY_CANCELLED' }]);
  });

  it('a Lambda invoked twice for the same step (its first answer lost) still makes one query and one record', async () => {
    const name = await queue(SAMPLE);
    const lost = new Set<string>();
    const execution = await runLocally(definition, { executionName: name, caught: null }, handler, async (state, call) => {
      const answer = await call();
      if ((state === 'StartQuery' || state === 'PublishOutput') && !lost.has(state)) {
        lost.add(state);
        throw Object.assign(new Error('Rate exceeded (injected after the step ran)'), { name: 'Lambda.ServiceException' });
      }
      return answer;
    });
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.retried).toEqual(['StartQuery', 'PublishOutput']);
    const records = (await recordsOf(SAMPLE)).filter((r) => r.curationExecutionName === name);
    expect(records).toHaveLength(1);
    const run = await project.state.getRun(name);
    expect(records[0]!.athenaQueryExecutionId).toBe(run?.context.queryExecutionId);
    expect(run?.context.queryRestarts).toBeUndefined();
    const bucket = run!.context.finalBucket!;
    const keys = await project.objects.list(bucket, run!.context.finalKey!.replace(/[^/]*$/, ''));
    const owners = await Promise.all(keys.map(async (k) => (await project.objects.head(bucket, k))?.metadata['adp-execution-name']));
    expect(owners.filter((o) => o === name)).toHaveLength(1);
  });

  for (const step of ['Retrieve', 'Validate', 'StartQuery']) {
    it(`a ${step} task that dies outside the step (Lambda timeout) is caught to Record: one failed record, execution FAILED`, async () => {
      const name = await queue(SAMPLE);
      const execution = await runLocally(definition, { executionName: name, caught: null }, handler, async (state, call) => {
        if (state === step) throw Object.assign(new Error('Task timed out after 900.00 seconds'), { name: 'States.Timeout' });
        return call();
      });
      expect(execution).toMatchObject({ status: 'FAILED', error: 'adp.RunFailed' });
      const records = (await recordsOf(SAMPLE)).filter((r) => r.curationExecutionName === name);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ status: 'failed', errorCause: { errorType: 'States.Timeout' } });
      if (step !== 'StartQuery') expect(records[0]!.error).toBe('Failed to start processing');
    });
  }
});
