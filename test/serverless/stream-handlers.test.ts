import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import { ConflictException, CreateScheduleCommand, DeleteScheduleCommand, SchedulerClient, ThrottlingException, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { definitionOfImage } from '../../src/adapters/aws/dynamodb/stream-images.js';
import { SchedulerRegistry } from '../../src/adapters/aws/scheduler/scheduler-registry.js';
import { syncSchedules } from '../../src/serverless/schedule-sync.js';
import type { BatchResponse, StreamEvent, StreamRecord } from '../../src/serverless/stream-event.js';
import { bulkReply, CaptureServer } from '../helpers/http-capture.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../helpers/aws/aws-test-env.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const definition = {
  curationType: 'wildrydes-rydebooking',
  sqlFilePath: 'wildrydes/rydebooking-curation.sql',
  cronExpression: 'cron(0 10 * * ? *)',
  glueDetails: { database: 'wildrydes' },
  outputDetails: { outputBucket: 'wildrydes-dev-curated' },
};
const image = (item: Record<string, unknown>) => marshall(item, { removeUndefinedValues: true }) as Record<string, unknown>;
let seq = 100;
const record = (eventName: StreamRecord['eventName'], item: Record<string, unknown>): StreamRecord => ({
  eventName,
  dynamodb: {
    SequenceNumber: String(++seq),
    Keys: image({ curationType: item.curationType }),
    ...(eventName === 'REMOVE' ? { OldImage: image(item) } : { NewImage: image(item) }),
  },
});

describe('schedule sync on the definitions stream → EventBridge Scheduler (aws-sdk-client-mock)', () => {
  const scheduler = mockClient(SchedulerClient);
  afterEach(() => scheduler.reset());
  const target = { groupName: 'wildrydes-dev', targetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:start', roleArn: 'arn:aws:iam::123456789012:role/scheduler', deadLetterArn: 'arn:aws:sqs:eu-west-1:123456789012:dlq' };
  const lines: string[] = [];
  const deps = () => ({ schedules: new SchedulerRegistry({ target, client: new SchedulerClient({ region: TEST_REGION, credentials: TEST_CREDENTIALS }) }), decode: definitionOfImage, log: (l: string) => lines.push(l) });

  it('insert creates the schedule named by scheduleRuleName in the curation’s timezone, with a DLQ and a retry limit; modify updates it; remove deletes it', async () => {
    scheduler.on(CreateScheduleCommand).resolvesOnce({}).rejectsOnce(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }));
    scheduler.on(UpdateScheduleCommand).resolves({});
    scheduler.on(DeleteScheduleCommand).resolves({});
    const changed = { ...definition, cronExpression: 'cron(30 6 ? * MON-FRI *)', timezone: 'Europe/Paris', enabled: false, adpVersion: 2 };
    const response = await syncSchedules(deps(), { Records: [record('INSERT', definition), record('MODIFY', changed), record('REMOVE', changed)] });
    expect(response).toEqual({ batchItemFailures: [] });
    const created = scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input;
    expect(created).toMatchObject({
      Name: 'wildrydes-rydebooking-scheduled-curation',
      GroupName: 'wildrydes-dev',
      ScheduleExpression: 'cron(0 10 * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
      Target: { Arn: target.targetArn, RoleArn: target.roleArn, DeadLetterConfig: { Arn: target.deadLetterArn }, RetryPolicy: { MaximumRetryAttempts: 3 } },
    });
    expect(JSON.parse(created.Target!.Input!)).toEqual({ curationType: 'wildrydes-rydebooking', scheduledTime: '<aws.scheduler.scheduled-time>', trigger: 'schedule' });
    expect(scheduler.commandCalls(UpdateScheduleCommand)[0]!.args[0].input).toMatchObject({
      ScheduleExpression: 'cron(30 6 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      State: 'DISABLED',
    });
    expect(scheduler.commandCalls(DeleteScheduleCommand)[0]!.args[0].input).toEqual({ Name: 'wildrydes-rydebooking-scheduled-curation', GroupName: 'wildrydes-dev' });
  });

  it('a bad definition is logged and passed over, never blocking the changes after it', async () => {
    scheduler.on(CreateScheduleCommand).resolves({});
    const bad = record('INSERT', { ...definition, curationType: 'typo', cronExpresion: 'cron(0 10 * * ? *)' });
    const response = await syncSchedules(deps(), { Records: [bad, record('INSERT', { ...definition, curationType: 'next' })] });
    expect(response.batchItemFailures).toEqual([]);
    expect(scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input.Name)).toEqual(['next-scheduled-curation']);
    expect(lines.some((l) => l.includes('not a valid curation') && l.includes('cronExpresion'))).toBe(true);
  });

  it('a Scheduler call that fails stops the batch there and reports that record, so it and the ones after it come again in order', async () => {
    scheduler.on(CreateScheduleCommand).resolvesOnce({}).rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', Message: 'Rate exceeded', $metadata: {} }));
    const records = [record('INSERT', { ...definition, curationType: 'a' }), record('INSERT', { ...definition, curationType: 'b' }), record('INSERT', { ...definition, curationType: 'c' })];
    const response = await syncSchedules(deps(), { Records: records });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: records[1]!.dynamodb!.SequenceNumber }] });
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(2);
  });
});

describe('history stream → OpenSearch _bulk, the bundled history-stream Lambda (protocol-level _bulk server)', () => {
  let server: CaptureServer;
  let handler: (event: StreamEvent) => Promise<BatchResponse>;
  const saved: Record<string, string | undefined> = {};
  const ENV = { ADP_OPENSEARCH_NODE: '', ADP_OPENSEARCH_SIGV4: 'false', ADP_PREFIX: 'wildrydes-dev-' };

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-lambda.mjs')], { cwd: ROOT, stdio: 'pipe' });
    server = await CaptureServer.start((req) =>
      req.path.startsWith('/_bulk') ? bulkReply(req, (id) => (id.includes('timestamp=2') ? 429 : 201)) : { status: 200, body: { acknowledged: true } },
    );
    for (const key of Object.keys(ENV)) saved[key] = process.env[key];
    Object.assign(process.env, { ...ENV, ADP_OPENSEARCH_NODE: server.url });
    ({ handler } = (await import(pathToFileURL(path.join(ROOT, 'dist/lambda/history-stream/index.mjs')).href)) as { handler: typeof handler });
  });
  afterAll(async () => {
    for (const [key, value] of Object.entries(saved)) value === undefined ? delete process.env[key] : (process.env[key] = value);
    await server?.close();
  });

  it('indexes each new record under the sample’s _id and index; only the document refused with 429 is reported for delivery again', async () => {
    const history = (timestamp: number, extra: Record<string, unknown> = {}) => ({
      curationType: 'wildrydes-rydebooking',
      timestamp,
      curationExecutionName: `2027010410000${timestamp}ABCDEF_wildrydes_rydebooking`,
      ...extra,
    });
    const records = [
      record('INSERT', history(1, { status: 'succeeded' })),
      record('INSERT', history(2, { error: 'QUERY_FAILED', errorCause: { errorType: 'QueryFailedError', errorMessage: 'bad' } })),
      record('INSERT', history(3, { status: 'succeeded' })),
      record('REMOVE', history(4)),
    ];
    const response = await handler({ Records: records });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: records[1]!.dynamodb!.SequenceNumber }] });
    const bulk = server.requests.find((r) => r.path.startsWith('/_bulk'))!;
    const lines = bulk.body.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((_, i) => i % 2 === 0)).toEqual([1, 2, 3].map((t) => ({ index: { _index: 'wildrydes-dev-curationhistory', _id: `curationType=wildrydes-rydebooking|timestamp=${t}` } })));
    expect(lines[1]).toMatchObject({ curationType: 'wildrydes-rydebooking', '@SequenceNumber': Number(records[0]!.dynamodb!.SequenceNumber), '@timestamp': new Date(1).toISOString() });
    expect(lines[3]).toMatchObject({ status: 'failed', error: 'QUERY_FAILED' });
  });
});
