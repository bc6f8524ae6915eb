import fs from 'node:fs';
import path from 'node:path';
import { Stage } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableNames } from '../../src/adapters/aws/dynamodb/table-layout.js';
import { tableSpecs, type IndexSpec, type TableSpec } from '../../src/adapters/aws/dynamodb/table-specs.js';
import { configSchema } from '../../src/domain/config.js';
import { stateMachineDefinition } from '../../src/serverless/state-machine.js';
import { bundleDir, HANDLERS } from '../../deploy/aws/lib/bundled-function.js';
import { POLL_ARN_PLACEHOLDER, RUN_STEP_ARN_PLACEHOLDER, runDefinitionString } from '../../deploy/aws/lib/run-state-machine.js';
import { POLL_IN_TASK_MARGIN_SECONDS, serverlessConfigSchema } from '../../src/domain/serverless-config.js';
import { FUNCTION_SIZING } from '../../src/serverless/function-sizing.js';
import { actionsOf, allStatements, resourcesOf, resourcesOfStatement, roleStatements, synthStack, type Synthesized } from './synth-stack.js';

// One synthesis of the fullest deployment (new tables with a KMS key, new
// buckets, a new CodeCommit repository, OpenSearch), shared by every test.
const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const PREFIX = 'wildrydes-dev-';
let s: Synthesized;
beforeAll(() => {
  s = synthStack({
    prefix: PREFIX,
    kmsKeyArn: KEY,
    openSearchEndpoint: 'https://search-wildrydes-abcdefghijklmnopqrstuvwxyz.eu-west-1.es.amazonaws.com',
    dataBuckets: 'wildrydes-raw,wildrydes-lake',
    glueDatabases: 'wildrydes',
    logRetentionDays: '14',
  });
}, 120_000);

const ref = (id: string) => ({ Ref: id });
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const idOf = (type: string, match: (p: Record<string, unknown>) => boolean): string => {
  const found = resourcesOf(s.json, type).filter(([, p]) => match(p));
  expect(found, type).toHaveLength(1);
  return found[0]![0];
};
const fnId = (name: string) => idOf('AWS::Lambda::Function', (p) => p.FunctionName === `${PREFIX}adp-${name}`);
const roleIdOfFn = (name: string) => ((s.json.Resources[fnId(name)]!.Properties!.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]);

/** The CreateTable shape `adp migrate` sends for a spec, in CloudFormation's spelling. */
function expectedTable(spec: TableSpec) {
  const keys = (h: { name: string }, r?: { name: string }) => [{ AttributeName: h.name, KeyType: 'HASH' }, ...(r ? [{ AttributeName: r.name, KeyType: 'RANGE' }] : [])];
  const projection = (i: IndexSpec) =>
    i.projection.type === 'INCLUDE' ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...i.projection.attributes] } : { ProjectionType: i.projection.type };
  const attributes = new Map([spec.hash, spec.range, ...spec.indexes.flatMap((i) => [i.hash, i.range])].filter((a) => a).map((a) => [a!.name, a!.type]));
  return {
    TableName: spec.name,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: keys(spec.hash, spec.range),
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })).sort((a, b) => a.AttributeName.localeCompare(b.AttributeName)),
    GlobalSecondaryIndexes: spec.indexes.map((i) => ({ IndexName: i.name, KeySchema: keys(i.hash, i.range), Projection: projection(i) })),
    StreamSpecification: spec.stream ? { StreamViewType: 'NEW_IMAGE' } : undefined,
  };
}

describe('CDK stack (synthesized in process): the fullest deployment', () => {
  it('creates the three tables exactly as the aws driver specifies them: keys, indexes, on-demand, NEW_IMAGE streams, PITR, SSE with the key', () => {
    const specs = tableSpecs(tableNames(PREFIX));
    const tables = resourcesOf(s.json, 'AWS::DynamoDB::Table').map(([, p]) => p);
    expect(tables.map((t) => t.TableName).sort()).toEqual(specs.map((x) => x.name).sort());
    for (const spec of specs) {
      const t = tables.find((x) => x.TableName === spec.name)!;
      const actual = {
        TableName: t.TableName,
        BillingMode: t.BillingMode,
        KeySchema: t.KeySchema,
        AttributeDefinitions: [...(t.AttributeDefinitions as { AttributeName: string }[])].sort((a, b) => a.AttributeName.localeCompare(b.AttributeName)),
        GlobalSecondaryIndexes: (t.GlobalSecondaryIndexes as unknown[] | undefined) ?? [],
        StreamSpecification: t.StreamSpecification,
      };
      expect(actual, spec.name).toEqual(expectedTable(spec));
      expect(t.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(t.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: KEY });
    }
    // The two sample tables stream (the schedule sync and the history sink read them).
    expect(specs.filter((x) => x.stream).map((x) => x.name)).toEqual([`${PREFIX}curationDetails`, `${PREFIX}curationHistory`]);
    for (const [, r] of Object.entries(s.json.Resources).filter(([, r]) => r.Type === 'AWS::DynamoDB::Table')) {
      expect((r as unknown as { DeletionPolicy: string }).DeletionPolicy).toBe('Retain');
    }
  });

  it('has a Lambda function per handler plus the run-step poller, each nodejs22.x and packaged from its bundle in dist/lambda', () => {
    const fns = resourcesOf(s.json, 'AWS::Lambda::Function').map(([, p]) => p).filter((f) => f.FunctionName);
    expect(fns.map((f) => f.FunctionName).sort()).toEqual([...HANDLERS, 'run-step-poller'].map((h) => `${PREFIX}adp-${h}`).sort());
    for (const [name, h] of [...HANDLERS.map((x) => [x, x] as const), ['run-step-poller', 'run-step'] as const]) {
      const f = s.json.Resources[fnId(name)]!.Properties!;
      expect(f.Runtime, h).toBe('nodejs22.x');
      expect(f.Handler).toBe('index.handler');
      // The asset staged for the function (what `cdk deploy` uploads) is the bundle, byte for byte.
      const hash = (f.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '');
      const staged = path.join(Stage.of(s.stack)!.outdir, `asset.${hash}`);
      expect(fs.readdirSync(staged), h).toEqual(fs.readdirSync(bundleDir(h)));
      expect(fs.readFileSync(path.join(staged, 'index.mjs')).equals(fs.readFileSync(path.join(bundleDir(h), 'index.mjs'))), h).toBe(true);
    }
  });

  it('carries the generated state machine definition unchanged, the run-step and poller ARNs as its substitutions', () => {
    const [[, sm]] = resourcesOf(s.json, 'AWS::StepFunctions::StateMachine') as [[string, Record<string, unknown>]];
    expect(sm.DefinitionString).toBe(runDefinitionString());
    expect(JSON.parse(sm.DefinitionString as string)).toEqual(
      stateMachineDefinition({ runStepFunctionArn: RUN_STEP_ARN_PLACEHOLDER, pollFunctionArn: POLL_ARN_PLACEHOLDER }),
    );
    expect(sm.DefinitionSubstitutions).toEqual({ RunStepFunctionArn: arnOf(fnId('run-step')), PollFunctionArn: arnOf(fnId('run-step-poller')) });
    expect(sm.StateMachineType).toBe('STANDARD');
    // Its role may invoke the two run-step functions and nothing else (besides log delivery, which AWS requires on '*').
    const roleId = (sm.RoleArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const invoke = roleStatements(s.json, roleId).filter((x) => actionsOf(x).some((a) => !a.startsWith('logs:')));
    const both = [arnOf(fnId('run-step')), arnOf(fnId('run-step-poller'))];
    expect(invoke).toEqual(both.map((a) => ({ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [a, { 'Fn::Join': ['', [a, ':*']] }] })));
  });

  it('invokes the poller from the AwaitQuery Task and the run-step function from every other: one asset, 512 MB for the steps, 128 MB for the polls with a timeout of the poll budget plus the margin', () => {
    const [[, sm]] = resourcesOf(s.json, 'AWS::StepFunctions::StateMachine') as [[string, Record<string, unknown>]];
    const tasks = Object.entries(JSON.parse(sm.DefinitionString as string).States as Record<string, { Type: string; Resource?: string }>).filter(([, x]) => x.Type === 'Task');
    expect(Object.fromEntries(tasks.map(([n, x]) => [n, x.Resource]))).toEqual(
      Object.fromEntries(tasks.map(([n]) => [n, n === 'AwaitQuery' ? POLL_ARN_PLACEHOLDER : RUN_STEP_ARN_PLACEHOLDER])),
    );
    const main = s.json.Resources[fnId('run-step')]!.Properties!;
    const poller = s.json.Resources[fnId('run-step-poller')]!.Properties!;
    expect([main.Runtime, poller.Runtime]).toEqual(['nodejs22.x', 'nodejs22.x']);
    expect(poller.Code).toEqual(main.Code);
    expect(poller.Handler).toBe(main.Handler);
    expect(poller.Environment).toEqual(main.Environment);
    expect({ main: [main.MemorySize, main.Timeout], poller: [poller.MemorySize, poller.Timeout] }).toEqual({
      main: [FUNCTION_SIZING.runStep.memoryMb, 900],
      poller: [128, serverlessConfigSchema.parse({}).pollInTaskSeconds + POLL_IN_TASK_MARGIN_SECONDS],
    });
    expect(FUNCTION_SIZING.poller.timeoutSeconds).toBeLessThanOrEqual(900);
  });

  it('grants no wildcard action: every Allow names its actions; wildcards only in the TLS-only Deny statements of resource policies', () => {
    const all = allStatements(s.json);
    expect(all.length).toBeGreaterThan(20);
    for (const { where, statement } of all) {
      for (const a of actionsOf(statement)) {
        if (statement.Effect === 'Allow') expect(a, where).not.toContain('*');
      }
    }
    const denies = all.filter((x) => x.statement.Effect === 'Deny');
    for (const d of denies) expect(d.statement.Condition, d.where).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
  });

  it("uses Resource '*' only where AWS allows nothing narrower: the state machine's log delivery, and Scheduler's ListSchedules", () => {
    const star = allStatements(s.json).filter(({ statement }) => resourcesOfStatement(statement).includes('*'));
    const list = star.filter(({ statement }) => actionsOf(statement).includes('scheduler:ListSchedules'));
    expect(list.map((x) => [x.where, x.statement.Action])).toEqual([[roleIdOfFn('schedule-sync'), 'scheduler:ListSchedules']]);
    star.splice(star.indexOf(list[0]!), 1);
    expect(star.map(({ statement }) => ({ Effect: statement.Effect, Action: [...actionsOf(statement)].sort() }))).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'logs:CreateLogDelivery',
          'logs:DeleteLogDelivery',
          'logs:DescribeLogGroups',
          'logs:DescribeResourcePolicies',
          'logs:GetLogDelivery',
          'logs:ListLogDeliveries',
          'logs:PutResourcePolicy',
          'logs:UpdateLogDelivery',
        ],
      },
    ]);
    expect(star[0]!.where).toMatch(/^RunRole/);
  });

  it('lets Scheduler, from this group\'s schedules only, invoke the start-execution function (which alone starts the state machine) and write its DLQ', () => {
    const [[groupId, group]] = resourcesOf(s.json, 'AWS::Scheduler::ScheduleGroup') as [[string, Record<string, unknown>]];
    expect(group.Name).toBe(`${PREFIX}curationSchedules`);
    expect(groupId).toMatch(/^Schedules/);
    const roleId = idOf('AWS::IAM::Role', (p) => JSON.stringify(p.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com'));
    const trust = s.json.Resources[roleId]!.Properties!.AssumeRolePolicyDocument as { Statement: unknown[] };
    expect(trust.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') },
          ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', ref('AWS::Partition'), ':scheduler:', ref('AWS::Region'), ':', ref('AWS::AccountId'), `:schedule/${PREFIX}curationSchedules/*`]] } },
        },
      },
    ]);
    const dlq = idOf('AWS::SQS::Queue', (p) => p.QueueName === `${PREFIX}adp-scheduler-dlq`);
    expect(roleStatements(s.json, roleId)).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: arnOf(fnId('start-execution')) },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: arnOf(dlq) },
    ]);
    // The only role that may start executions is start-execution's, and only of this state machine.
    const sm = resourcesOf(s.json, 'AWS::StepFunctions::StateMachine')[0]![0];
    const starters = Object.entries(s.json.Resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Role')
      .filter(([id]) => roleStatements(s.json, id).some((x) => actionsOf(x).some((a) => a.startsWith('states:'))));
    expect(starters.map(([id]) => id)).toEqual([roleIdOfFn('start-execution')]);
    const start = roleStatements(s.json, roleIdOfFn('start-execution')).filter((x) => actionsOf(x).some((a) => a.startsWith('states:')));
    expect(start).toEqual([{ Effect: 'Allow', Action: 'states:StartExecution', Resource: ref(sm) }]);
    // It applies the overlap policy: reads the definition and active runs, queues in a transaction, records a skipped tick.
    const dynamo = roleStatements(s.json, roleIdOfFn('start-execution')).filter((x) => actionsOf(x).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.flatMap(actionsOf)).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem']));
  });

  it('wires the schedule sync to the group, the Scheduler role, the start function and the DLQ, and each stream to its function with a DLQ', () => {
    const env = (s.json.Resources[fnId('schedule-sync')]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    const schedulerRole = idOf('AWS::IAM::Role', (p) => JSON.stringify(p.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com'));
    expect(env).toEqual({
      ADP_PREFIX: PREFIX,
      ADP_SCHEDULE_GROUP: `${PREFIX}curationSchedules`,
      ADP_START_FUNCTION_ARN: arnOf(fnId('start-execution')),
      ADP_SCHEDULER_ROLE_ARN: arnOf(schedulerRole),
      ADP_SCHEDULE_DLQ_ARN: arnOf(idOf('AWS::SQS::Queue', (p) => p.QueueName === `${PREFIX}adp-scheduler-dlq`)),
      ADP_SCHEDULE_MAX_RETRIES: '3',
    });
    const table = (name: string) => idOf('AWS::DynamoDB::Table', (p) => p.TableName === `${PREFIX}${name}`);
    for (const [fn, tableName, dlq] of [
      ['schedule-sync', 'curationDetails', 'schedule-sync-dlq'],
      ['history-stream', 'curationHistory', 'history-stream-dlq'],
    ] as const) {
      s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: ref(fnId(fn)),
        EventSourceArn: { 'Fn::GetAtt': [table(tableName), 'StreamArn'] },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 10,
        DestinationConfig: { OnFailure: { Destination: arnOf(idOf('AWS::SQS::Queue', (p) => p.QueueName === `${PREFIX}adp-${dlq}`)) } },
      });
      const stream = roleStatements(s.json, roleIdOfFn(fn)).find((x) => actionsOf(x).includes('dynamodb:GetRecords'))!;
      expect(stream.Resource).toEqual({ 'Fn::GetAtt': [table(tableName), 'StreamArn'] });
    }
    s.template.resourceCountIs('AWS::SQS::Queue', 3);
    s.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    const history = (s.json.Resources[fnId('history-stream')]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(history).toEqual({ ADP_PREFIX: PREFIX, ADP_OPENSEARCH_NODE: 'https://search-wildrydes-abcdefghijklmnopqrstuvwxyz.eu-west-1.es.amazonaws.com', ADP_OPENSEARCH_SERVICE: 'es' });
  });

  it('gives every function (and the state machine) its own log group with the retention asked for, and a role that writes only there', () => {
    const groups = resourcesOf(s.json, 'AWS::Logs::LogGroup');
    // One per function, the state machine's, and the schedule resync's custom resource's.
    expect(groups).toHaveLength(7);
    for (const [, g] of groups) expect(g.RetentionInDays).toBe(14);
    for (const h of [...HANDLERS, 'run-step-poller']) {
      const f = s.json.Resources[fnId(h)]!.Properties!;
      const groupId = idOf('AWS::Logs::LogGroup', (p) => p.LogGroupName === `/aws/lambda/${PREFIX}adp-${h}`);
      expect(f.LoggingConfig).toEqual({ LogGroup: ref(groupId) });
      const logs = roleStatements(s.json, roleIdOfFn(h)).filter((x) => actionsOf(x).some((a) => a.startsWith('logs:')));
      expect(logs).toEqual([{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: arnOf(groupId) }]);
      expect(s.json.Resources[roleIdOfFn(h)]!.Properties!.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('scopes the run-step role to the tables and their indexes, the workgroup, the named Glue databases, the buckets, the topics and the key', () => {
    const st = roleStatements(s.json, roleIdOfFn('run-step'));
    const dynamo = st.find((x) => actionsOf(x).includes('dynamodb:PutItem'))!;
    const table = (name: string) => idOf('AWS::DynamoDB::Table', (p) => p.TableName === `${PREFIX}${name}`);
    expect(dynamo.Resource).toEqual([
      arnOf(table('curationDetails')),
      arnOf(table('curationHistory')),
      { 'Fn::Join': ['', [arnOf(table('curationHistory')), '/index/*']] },
      arnOf(table('adpState')),
      { 'Fn::Join': ['', [arnOf(table('adpState')), '/index/*']] },
    ]);
    const athena = st.find((x) => actionsOf(x).includes('athena:StartQueryExecution'))!;
    expect(JSON.stringify(athena.Resource)).toContain(':workgroup/primary');
    const glue = st.find((x) => actionsOf(x).includes('glue:GetTable'))!;
    expect(JSON.stringify(glue.Resource)).toMatch(/:catalog".*:database\/wildrydes".*:table\/wildrydes\/\*"/);
    const read = st.find((x) => JSON.stringify(x.Action) === '"s3:GetObject"')!;
    expect(read.Resource).toEqual([
      { 'Fn::Join': ['', ['arn:', ref('AWS::Partition'), ':s3:::wildrydes-raw/*']] },
      { 'Fn::Join': ['', ['arn:', ref('AWS::Partition'), ':s3:::wildrydes-lake/*']] },
    ]);
    expect(st.find((x) => actionsOf(x).includes('sns:Publish'))!.Resource).toEqual([
      ref(idOf('AWS::SNS::Topic', (p) => p.TopicName === `${PREFIX}curationSuccess`)),
      ref(idOf('AWS::SNS::Topic', (p) => p.TopicName === `${PREFIX}curationFailure`)),
    ]);
    expect(st.find((x) => actionsOf(x).includes('kms:Decrypt'))!.Resource).toBe(KEY);
    const repo = idOf('AWS::CodeCommit::Repository', (p) => p.RepositoryName === `${PREFIX}curation-scripts`);
    expect(st.find((x) => actionsOf(x).includes('codecommit:GetFile'))!.Resource).toEqual(arnOf(repo));
  });

  it("hands run-step and start-execution an adp config the engine accepts: the aws driver, the prefix, the key, SNS routes to the stack's topics", () => {
    for (const h of ['run-step', 'start-execution']) {
      const raw = (s.json.Resources[fnId(h)]!.Properties!.Environment as { Variables: { ADP_CONFIG_JSON: { 'Fn::Join': [string, unknown[]] } } }).Variables.ADP_CONFIG_JSON;
      // Resolve the topic references as CloudFormation would.
      const text = raw['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : `arn:aws:sns:eu-west-1:123456789012:${(part as { Ref: string }).Ref}`)).join('');
      const config = configSchema.parse(JSON.parse(text));
      expect(config.driver).toBe('aws');
      expect(config.aws).toEqual({ prefix: PREFIX, workGroup: 'primary', kmsKeyId: KEY });
      expect(config.scripts.codecommit).toBe(`${PREFIX}curation-scripts`);
      expect(config.notifications.map((n) => [n.type, n.events])).toEqual([['sns', ['success']], ['sns', ['failure']]]);
      expect(config.sinks).toEqual([]);
    }
  });

  it('resyncs every schedule once per create and update: a custom resource invokes schedule-sync with {"resync": true} and may invoke nothing else', () => {
    const [[crId, cr]] = resourcesOf(s.json, 'Custom::AWS') as [[string, Record<string, unknown>]];
    expect(crId).toMatch(/^ScheduleResync/);
    const join = (v: unknown) => (v as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    // The function's name is a reference inside the call's JSON: spelled `Ref:<id>` here.
    const calls = ['Create', 'Update'].map((k) => JSON.parse(join(cr[k]).map((x) => (typeof x === 'string' ? x : `Ref:${(x as { Ref: string }).Ref}`)).join('')) as Record<string, unknown>);
    for (const call of calls) {
      expect(call).toMatchObject({ service: 'Lambda', action: 'invoke', outputPaths: ['StatusCode'], physicalResourceId: { id: `${PREFIX}curationSchedules-resync` } });
      const parameters = call.parameters as { FunctionName: unknown; InvocationType: string; Payload: string };
      expect(parameters.FunctionName).toBe(`Ref:${fnId('schedule-sync')}`);
      expect(parameters.InvocationType).toBe('RequestResponse');
      expect(JSON.parse(parameters.Payload)).toEqual({ resync: true, revision: expect.stringMatching(new RegExp(`^${PREFIX}curationSchedules:[0-9a-f]{16}$`)) });
    }
    expect(cr.InstallLatestAwsSdk).toBe(false);
    // Its policy: invoke the schedule-sync function, nothing else.
    const policies = resourcesOf(s.json, 'AWS::IAM::Policy').filter(([id]) => id.startsWith('ScheduleResync'));
    expect(policies.flatMap(([, p]) => (p.PolicyDocument as { Statement: unknown[] }).Statement)).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: arnOf(fnId('schedule-sync')) },
    ]);
    // The resync function may scan the definitions table (no other) and list the group's schedules.
    const st = roleStatements(s.json, roleIdOfFn('schedule-sync'));
    const table = idOf('AWS::DynamoDB::Table', (p) => p.TableName === `${PREFIX}curationDetails`);
    expect(st.find((x) => actionsOf(x).includes('dynamodb:Scan'))).toEqual({ Effect: 'Allow', Action: 'dynamodb:Scan', Resource: arnOf(table) });
    expect(s.json.Resources[crId]!.DependsOn).toEqual(expect.arrayContaining([roleIdOfFn('schedule-sync')]));
  });

  it('encrypts topics with the key, buckets with the key and TLS only, and keeps buckets on delete', () => {
    s.template.allResourcesProperties('AWS::SNS::Topic', { KmsMasterKeyId: KEY });
    s.template.allResourcesProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY }, BucketKeyEnabled: true }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    s.template.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    s.template.resourceCountIs('AWS::S3::Bucket', 2);
    s.template.hasOutput('StateMachineArn', Match.anyValue());
  });
});
