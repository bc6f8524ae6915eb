import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateScheduleCommand, DeleteScheduleCommand, ListSchedulesCommand, SchedulerClient, ThrottlingException, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { definitionOfImage } from '../../src/adapters/aws/dynamodb/stream-images.js';
import { SchedulerRegistry } from '../../src/adapters/aws/scheduler/scheduler-registry.js';
import { LAMBDA_ENV } from '../../src/drivers/aws/lambda-env.js';
import { definitionItems } from '../../src/drivers/aws/open-schedule-registry.js';
import { isResyncEvent, resyncSchedules } from '../../src/serverless/schedule-sync.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../helpers/aws/aws-test-env.js';

const PREFIX = 'wildrydes-dev-';
const definition = (curationType: string, extra: Record<string, unknown> = {}) => ({
  curationType,
  sqlFilePath: `wildrydes/${curationType}.sql`,
  cronExpression: 'cron(0 10 * * ? *)',
  glueDetails: { database: 'wildrydes' },
  outputDetails: { outputBucket: 'wildrydes-dev-curated' },
  ...extra,
});
const item = (x: Record<string, unknown>) => marshall(x, { removeUndefinedValues: true });

describe('full schedule resync: every definition of the table → EventBridge Scheduler (aws-sdk-client-mock for DynamoDB Scan and Scheduler)', () => {
  const dynamo = mockClient(DynamoDBClient);
  const scheduler = mockClient(SchedulerClient);
  afterEach(() => {
    dynamo.reset();
    scheduler.reset();
  });
  const target = { groupName: `${PREFIX}curationSchedules`, targetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:start', roleArn: 'arn:aws:iam::123456789012:role/scheduler', deadLetterArn: 'arn:aws:sqs:eu-west-1:123456789012:dlq' };
  const lines: string[] = [];
  const deps = () => ({
    schedules: new SchedulerRegistry({ target, client: new SchedulerClient({ region: TEST_REGION, credentials: TEST_CREDENTIALS }) }),
    definitions: () => definitionItems({ [LAMBDA_ENV.prefix]: PREFIX, AWS_REGION: TEST_REGION, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' }),
    decode: definitionOfImage,
    log: (l: string) => lines.push(l),
  });
  /** The definitions table in two pages: a valid one and an invalid one, then the sample user's with its timezone. */
  const table = () =>
    dynamo.on(ScanCommand).callsFake((input: { TableName: string; ExclusiveStartKey?: unknown }) => {
      expect(input.TableName).toBe(`${PREFIX}curationDetails`);
      return input.ExclusiveStartKey
        ? { Items: [item(definition('wildrydes-rydebooking', { timezone: 'Europe/Paris', adpVersion: 3 }))] }
        : { Items: [item(definition('orders-daily')), item({ curationType: 'broken', cronExpression: 'whenever' })], LastEvaluatedKey: item({ curationType: 'broken' }) };
    });
  const group = () =>
    scheduler
      .on(ListSchedulesCommand)
      .callsFake((input: { GroupName: string; NextToken?: string }) => {
        expect(input.GroupName).toBe(target.groupName);
        return input.NextToken
          ? { Schedules: [{ Name: 'gone-scheduled-curation' }, { Name: 'someone-elses-schedule' }] }
          : { Schedules: [{ Name: 'orders-daily-scheduled-curation' }, { Name: 'broken-scheduled-curation' }], NextToken: 'page-2' };
      });

  it('puts every valid definition’s schedule, keeps an invalid one’s, deletes only adp-named schedules whose definition is gone', async () => {
    table();
    group();
    scheduler.on(CreateScheduleCommand).resolves({});
    scheduler.on(DeleteScheduleCommand).resolves({});
    const result = await resyncSchedules(deps());
    expect(result).toEqual({
      put: ['orders-daily-scheduled-curation', 'wildrydes-rydebooking-scheduled-curation'],
      deleted: ['gone-scheduled-curation'],
      skipped: [{ item: 'broken', reason: expect.any(String) }],
      failed: [],
    });
    const created = scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input);
    expect(created.map((c) => [c.Name, c.GroupName, c.ScheduleExpressionTimezone])).toEqual([
      ['orders-daily-scheduled-curation', target.groupName, 'UTC'],
      ['wildrydes-rydebooking-scheduled-curation', target.groupName, 'Europe/Paris'],
    ]);
    expect(scheduler.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input)).toEqual([{ Name: 'gone-scheduled-curation', GroupName: target.groupName }]);
    expect(dynamo.commandCalls(ScanCommand).map((c) => c.args[0].input.ConsistentRead)).toEqual([true, true]);
    expect(lines.at(-1)).toMatch(/^schedule resync: 2 put, 1 deleted, 1 skipped, 0 failed\n {2}skipped broken: /);
  });

  it('updates a schedule that exists, and reports a failed call without stopping at it', async () => {
    table();
    group();
    scheduler
      .on(CreateScheduleCommand)
      .rejectsOnce(new ThrottlingException({ message: 'slow down', Message: 'slow down', $metadata: {} }))
      .rejectsOnce(Object.assign(new Error('exists'), { name: 'ConflictException' }));
    scheduler.on(UpdateScheduleCommand).resolves({});
    scheduler.on(DeleteScheduleCommand).resolves({});
    const result = await resyncSchedules(deps());
    expect(result.failed).toEqual([{ name: 'orders-daily-scheduled-curation', error: 'slow down' }]);
    expect(result.put).toEqual(['wildrydes-rydebooking-scheduled-curation']);
    expect(scheduler.commandCalls(UpdateScheduleCommand).map((c) => c.args[0].input.Name)).toEqual(['wildrydes-rydebooking-scheduled-curation']);
    // A definition that exists but failed is still known: its schedule is not deleted.
    expect(result.deleted).toEqual(['gone-scheduled-curation']);
  });

  it('recognises only a direct {"resync": true} invocation', () => {
    expect(isResyncEvent({ resync: true, revision: 'abc' })).toBe(true);
    expect(isResyncEvent({ resync: 'yes' })).toBe(false);
    expect(isResyncEvent({ Records: [] })).toBe(false);
  });
});
