import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AthenaClient, StopQueryExecutionCommand } from '@aws-sdk/client-athena';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homeLayout } from '../../src/drivers/common/home.js';
import { openProject } from '../../src/drivers/open-project.js';
import type { Project } from '../../src/drivers/project.js';
import { createRun } from '../../src/engine/create-run.js';
import { POLL_IN_TASK_MARGIN_SECONDS } from '../../src/domain/serverless-config.js';
import type { Invocation } from '../../src/serverless/run-step.js';
import { stateMachineDefinition } from '../../src/serverless/state-machine.js';
import type { StepAnswer, StepInput } from '../../src/serverless/step-protocol.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../helpers/aws/aws-test-env.js';
import { startSampleLake, type SampleLake } from '../helpers/aws/sample-lake.js';
import { adp } from '../helpers/cli.js';
import { SAMPLE_DEFINITION_FILE } from '../helpers/definitions.js';
import { runLocally } from '../helpers/local-state-machine.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PREFIX = 'sfn-e2e-';
const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:adp-run-step';
const TYPE = 'wildrydes-rydebooking';
const sampleDefinition = JSON.parse(fs.readFileSync(SAMPLE_DEFINITION_FILE, 'utf8'));
// The generated state machine run by aws-local-stepfunctions, each Task served
// by the bundled run-step Lambda on the aws driver: DynamoDB Local and s3rver
// (emulators), Athena, Glue and CodeCommit protocol-level test servers, all
// reached through AWS_ENDPOINT_URL_<SERVICE> on 127.0.0.1.
describe('the generated state machine on the aws driver, each Task served by the bundled run-step Lambda (DynamoDB Local, s3rver; Athena, Glue, CodeCommit protocol servers)', () => {
  let lake: SampleLake;
  let restoreEnv: () => void = () => undefined;
  let project: Project;
  let bundled: (input: StepInput, invocation?: Invocation) => Promise<StepAnswer>;
  /** An invocation with `seconds` to poll in the task before the margin to the function's timeout. */
  const invocation = (seconds: number): Invocation => ({ getRemainingTimeInMillis: () => (POLL_IN_TASK_MARGIN_SECONDS + seconds) * 1000 });
  // Every poll answered as a Wait (no time left for polling in the task), unless a case says otherwise.
  const handler = (input: StepInput) => bundled(input, invocation(0));
  const definition = stateMachineDefinition({ runStepFunctionArn: ARN });

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-lambda.mjs')], { cwd: ROOT, stdio: 'pipe' });
    lake = await startSampleLake();
    const home = path.join(lake.dir, 'home');
    restoreEnv = lake.applyEnv({ ADP_HOME: home });
    const init = await adp(['--home', home, 'init', '--driver', 'aws', '--prefix', PREFIX, '--region', TEST_REGION, '--scripts', 'codecommit:adp-scripts']);
    expect(init.code, init.stderr).toBe(0);
    project = await openProject(homeLayout(home));
    await project.state.putCuration(sampleDefinition);
    await project.state.putCuration({ ...sampleDefinition, curationType: 'short-timeout', timeoutSeconds: 60 });
    ({ handler: bundled } = (await import(pathToFileURL(path.join(ROOT, 'dist/lambda/run-step/index.mjs')).href)) as { handler: typeof bundled });
  }, 120_000);

  afterAll(async () => {
    await project?.close();
    restoreEnv();
    await lake?.close();
  });

  async function queue(curationType = TYPE): Promise<string> {
    return (await createRun({ state: project.state, clock: project.clock, queue: project.scheduling }, { curationType, trigger: 'manual' })).executionName;
  }

  async function recordsOf(name: string, curationType = TYPE) {
    return (await project.state.listHistory({ curationType, limit: 50 })).records.filter((r) => r.curationExecutionName === name);
  }

  it('success: one Athena query, one succeeded record in DynamoDB, the execution SUCCEEDED; every poll after a Wait', async () => {
    const started = lake.athena.queriesStarted();
    const name = await queue();
    const execution = await runLocally(definition, { executionName: name, caught: null }, handler);
    // On failure, say why (the error, its cause and the states entered), not only that it failed.
    expect(execution.status, JSON.stringify(execution)).toBe('SUCCEEDED');
    expect(lake.athena.queriesStarted()).toBe(started + 1);
    expect(await recordsOf(name)).toMatchObject([{ status: 'succeeded', rowCount: 3, engine: 'athena' }]);
    execution.entered.forEach((s, i) => s === 'AwaitQuery' && expect(execution.entered[i - 1]).toBe('WaitBeforeAwaitQuery'));
  });

  it('polling in the task: a query that ends while the AwaitQuery invocation polls it is noticed there, one Wait round in all (serverless.pollInTaskSeconds)', async () => {
    const release = lake.athena.holdQueued();
    const name = await queue();
    const execution = await runLocally(definition, { executionName: name, caught: null }, (input) => bundled(input, invocation(20)), async (state, call) => {
      if (state === 'AwaitQuery') setTimeout(release, 1500);
      return call();
    });
    release();
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.entered.filter((s) => s === 'AwaitQuery')).toHaveLength(1);
    expect(execution.entered.filter((s) => s === 'WaitBeforeAwaitQuery')).toHaveLength(1);
    expect(await recordsOf(name)).toMatchObject([{ status: 'succeeded', rowCount: 3 }]);
    const run = await project.state.getRun(name);
    expect(run?.context.polls).toBeGreaterThan(1);
  });

  it('SQL failure: one failed record with Athena’s reason, the execution FAILED (adp.RunFailed)', async () => {
    lake.athena.failNextQuery({ reason: "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved" });
    const name = await queue();
    const execution = await runLocally(definition, { executionName: name, caught: null }, handler);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'adp.RunFailed' });
    expect(execution.cause).toMatch(/COLUMN_NOT_FOUND/);
    expect(await recordsOf(name)).toMatchObject([{ status: 'failed' }]);
  });

  it('Athena CANCELLED: the RunCancelled branch, one cancelled record, the execution FAILED (adp.RunCancelled), never polled again', async () => {
    lake.athena.hangNextQuery();
    const name = await queue();
    const athenaClient = new AthenaClient({ endpoint: lake.athena.endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS });
    let polls = 0;
    const execution = await runLocally(definition, { executionName: name, caught: null }, handler, async (state, call) => {
      if (state === 'AwaitQuery' && ++polls === 2) {
        const run = await project.state.getRun(name);
        await athenaClient.send(new StopQueryExecutionCommand({ QueryExecutionId: run!.context.queryExecutionId }));
      }
      return call();
    });
    athenaClient.destroy();
    expect(execution).toMatchObject({ status: 'FAILED', error: 'adp.RunCancelled' });
    expect(execution.entered).toContain('RunCancelled');
    expect(execution.entered.filter((s) => s === 'AwaitQuery')).toHaveLength(2);
    expect(await recordsOf(name)).toMatchObject([{ status: 'cancelled', error: 'QUERY_CANCELLED' }]);
  });

  it('timeout: a query running past timeoutSeconds is stopped, the RunTimedOut branch, one timed_out record, the execution FAILED (adp.RunTimedOut)', async () => {
    lake.athena.hangNextQuery();
    const name = await queue('short-timeout');
    let first = true;
    const execution = await runLocally(definition, { executionName: name, caught: null }, handler, async (state, call) => {
      if (state === 'AwaitQuery' && first) {
        // The query has been running for longer than its timeout by the time this poll comes (no clock to wait on).
        first = false;
        const run = (await project.state.getRun(name))!;
        const past = new Date(project.clock.now().getTime() - 61_000).toISOString();
        await project.state.saveRun({ ...run, context: { ...run.context, queryStartedAt: past } });
      }
      return call();
    });
    expect(execution).toMatchObject({ status: 'FAILED', error: 'adp.RunTimedOut' });
    expect(execution.entered).toContain('RunTimedOut');
    expect(await recordsOf(name, 'short-timeout')).toMatchObject([{ status: 'timed_out', error: 'QUERY_TIMEOUT' }]);
    const run = await project.state.getRun(name);
    expect(lake.athena.executions().find((e) => e.id === run?.context.queryExecutionId)?.state).toBe('CANCELLED');
  });

  it('a retried Lambda (the same step invoked twice, its first answer lost) still makes one query and one record', async () => {
    const started = lake.athena.queriesStarted();
    const name = await queue();
    const lost = new Set<string>();
    const execution = await runLocally(definition, { executionName: name, caught: null }, handler, async (state, call) => {
      const answer = await call();
      if (['StartQuery', 'AwaitQuery', 'PublishOutput'].includes(state) && !lost.has(state)) {
        lost.add(state);
        throw Object.assign(new Error('Rate exceeded (injected after the step ran)'), { name: 'Lambda.ServiceException' });
      }
      return answer;
    });
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.retried).toEqual(expect.arrayContaining(['StartQuery', 'PublishOutput']));
    expect(lake.athena.queriesStarted()).toBe(started + 1);
    expect(await recordsOf(name)).toHaveLength(1);
  });

  it('dependsOn on DynamoDB: a scheduled downstream run waits in its first Task until the upstream run of the same time succeeds, then runs; one whose upstream failed is recorded skipped', async () => {
    await project.state.putCuration({ ...sampleDefinition, curationType: 'up' });
    await project.state.putCuration({ ...sampleDefinition, curationType: 'down', dependsOn: ['up'], overlap: 'queue' });
    const scheduled = async (curationType: string, at: Date) =>
      (await createRun({ state: project.state, clock: project.clock, queue: project.scheduling }, { curationType, trigger: 'schedule', scheduledTime: at })).executionName;
    // Two past minutes: a run ends after the time it was scheduled for.
    const at = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 120_000);
    const up = await scheduled('up', at);
    const down = await scheduled('down', at);
    let looks = 0;
    // The upstream runs to its end, through the same bundle, while the downstream waits.
    const execution = await runLocally(definition, { executionName: down, caught: null }, handler, async (state, call) => {
      if (state === 'Retrieve' && ++looks === 2) expect((await runLocally(definition, { executionName: up, caught: null }, handler)).status).toBe('SUCCEEDED');
      return call();
    });
    expect(execution.status, JSON.stringify(execution)).toBe('SUCCEEDED');
    expect(execution.entered.filter((s) => s === 'WaitBeforeRetrieve')).toHaveLength(1);
    expect(await recordsOf(down, 'down')).toMatchObject([{ status: 'succeeded', scheduledTime: at.toISOString(), engine: 'athena' }]);

    lake.athena.failNextQuery({ reason: 'HIVE_BAD_DATA: injected' });
    const later = new Date(at.getTime() + 60_000);
    const upFails = await scheduled('up', later);
    expect((await runLocally(definition, { executionName: upFails, caught: null }, handler)).status).toBe('FAILED');
    const started = lake.athena.queriesStarted();
    const skipped = await scheduled('down', later);
    const second = await runLocally(definition, { executionName: skipped, caught: null }, handler);
    expect(second.status).toBe('SUCCEEDED');
    expect(lake.athena.queriesStarted()).toBe(started);
    const [record] = await recordsOf(skipped, 'down');
    expect(record).toMatchObject({ status: 'skipped', error: 'UPSTREAM_NOT_SUCCEEDED', scheduledTime: later.toISOString() });
    expect(record?.errorCause?.errorMessage).toContain(`upstream up failed for ${later.toISOString()} (${upFails})`);
  });
});
