import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { AdpBuckets } from './buckets.js';
import { BundledFunction } from './bundled-function.js';
import { openSearchNode, openSearchTarget, type DeployOptions } from './deploy-options.js';
import { LAMBDA_ENV as E } from '../../../src/drivers/aws/lambda-env.js';
import { FUNCTION_SIZING } from '../../../src/serverless/function-sizing.js';
import { lambdaConfig } from './lambda-config.js';
import { AdpMessaging } from './messaging.js';
import {
  athenaStatement,
  bucketReadStatements,
  bucketWriteStatements,
  DYNAMO_READ_WRITE,
  dynamoStatement,
  glueStatement,
  kmsStatement,
  streamReadStatement,
} from './permissions.js';
import { RunStateMachine } from './run-state-machine.js';
import { CurationSchedules, ScheduleResync } from './schedules.js';
import { ScriptsSource } from './scripts-source.js';
import { AdpTables } from './tables.js';

export interface AdpStackProps extends StackProps {
  readonly options: DeployOptions;
  /** Where the Lambda bundles are read from (default: this repository's dist/lambda). */
  readonly bundleRoot?: string;
}

/** Retries of a stream batch before its records go to the dead-letter queue (bisected on each error). */
const STREAM_RETRIES = 10;

/**
 * The whole engine in one account and region, environment-agnostic (account
 * and region are the deployment's pseudo parameters; nothing is looked up):
 * the aws driver's tables, the buckets, the run state machine generated from
 * the step list, the Lambda functions from their bundles (run-step twice: the
 * steps, and the polls with less memory), the Scheduler
 * group and role, SNS topics, dead-letter queues and log groups.
 */
export class AdpStack extends Stack {
  readonly tables: AdpTables;
  readonly functions: Readonly<Record<'runStep' | 'runStepPoller' | 'startExecution' | 'scheduleSync', BundledFunction>> & { readonly historyStream?: BundledFunction };
  readonly runStateMachine: RunStateMachine;
  readonly schedules: CurationSchedules;

  constructor(scope: Construct, id: string, props: AdpStackProps) {
    super(scope, id, props);
    const { options } = props;
    const p = options.prefix;
    const key = options.kmsKeyArn ? kms.Key.fromKeyArn(this, 'Key', options.kmsKeyArn) : undefined;
    const keyUse = options.kmsKeyArn ? [kmsStatement(options.kmsKeyArn)] : [];
    const logRetention = options.logRetentionDays as logs.RetentionDays;

    this.tables = new AdpTables(this, 'Tables', { options, ...(key ? { key } : {}) });
    const buckets = new AdpBuckets(this, 'Buckets', { options, ...(key ? { key } : {}) });
    const messaging = new AdpMessaging(this, 'Messaging', { prefix: p, ...(key ? { key } : {}) });
    const scripts = new ScriptsSource(this, 'Scripts', options);
    const config = this.toJsonString(
      lambdaConfig(options, scripts.config, { successTopicArn: messaging.successTopic.topicArn, failureTopicArn: messaging.failureTopic.topicArn }),
    );
    const fn = (id: string, more: Omit<ConstructorParameters<typeof BundledFunction>[2], 'logRetention' | 'root'>) =>
      new BundledFunction(this, id, { ...more, logRetention, ...(props.bundleRoot ? { root: props.bundleRoot } : {}) });

    // One bundle, two sizes (src/serverless/function-sizing.ts): the steps, and the polls of a running query.
    const runStepEnvironment = { [E.configJson]: config, ...(scripts.tokenSecretArn ? { [E.gitTokenSecretArn]: scripts.tokenSecretArn } : {}) };
    const runStepStatements = [
      dynamoStatement(this.tables.all, DYNAMO_READ_WRITE),
      athenaStatement(this, options.workGroup),
      glueStatement(this, options.glueDatabases),
      ...bucketWriteStatements([buckets.athenaOutput, buckets.curated, ...buckets.outputs]),
      ...bucketReadStatements(buckets.data),
      ...scripts.readStatements,
      new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [messaging.successTopic.topicArn, messaging.failureTopic.topicArn] }),
      ...keyUse,
    ];
    const runStep = fn('RunStep', {
      handler: 'run-step',
      functionName: `${p}adp-run-step`,
      description: 'adp: advances one run by one step (invoked by the run state machine)',
      environment: runStepEnvironment,
      timeout: Duration.seconds(FUNCTION_SIZING.runStep.timeoutSeconds),
      memorySize: FUNCTION_SIZING.runStep.memoryMb,
      statements: runStepStatements,
    });
    // The same handler and permissions: a poll may find the query gone and the run at another step to report.
    const runStepPoller = fn('RunStepPoller', {
      handler: 'run-step',
      functionName: `${p}adp-run-step-poller`,
      description: 'adp: polls a running query (the AwaitQuery task of the run state machine; the run-step bundle, small)',
      environment: runStepEnvironment,
      timeout: Duration.seconds(FUNCTION_SIZING.poller.timeoutSeconds),
      memorySize: FUNCTION_SIZING.poller.memoryMb,
      statements: runStepStatements,
    });
    this.runStateMachine = new RunStateMachine(this, 'Run', { stateMachineName: `${p}adp-run`, runStep: runStep.function, poller: runStepPoller.function, logRetention });
    const stateMachineArn = this.runStateMachine.stateMachine.stateMachineArn;

    const startExecution = fn('StartExecution', {
      handler: 'start-execution',
      functionName: `${p}adp-start-execution`,
      description: 'adp: queues a run and starts its execution (invoked by the schedules)',
      environment: { [E.configJson]: config, [E.stateMachineArn]: stateMachineArn },
      timeout: Duration.seconds(60),
      memorySize: 256,
      statements: [
        // The overlap policy: reads the definition and the active runs, queues through a transaction, records a skipped tick with its outbox entries.
        dynamoStatement(this.tables.all, DYNAMO_READ_WRITE),
        new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachineArn] }),
        ...keyUse,
      ],
    });

    const groupName = `${p}curationSchedules`;
    this.schedules = new CurationSchedules(this, 'Schedules', { groupName, startFunction: startExecution.function, deadLetterQueue: messaging.schedulerDlq });

    const curationsStream = this.tables.curations.streamArn!;
    const scheduleSync = fn('ScheduleSync', {
      handler: 'schedule-sync',
      functionName: `${p}adp-schedule-sync`,
      description: 'adp: keeps one Scheduler schedule per curation (definitions table stream)',
      environment: {
        [E.prefix]: p,
        [E.scheduleGroup]: groupName,
        [E.startFunctionArn]: startExecution.function.functionArn,
        [E.schedulerRoleArn]: this.schedules.role.roleArn,
        [E.scheduleDlqArn]: messaging.schedulerDlq.queueArn,
        [E.scheduleMaxRetries]: '3',
      },
      timeout: Duration.seconds(300),
      memorySize: 256,
      statements: [
        streamReadStatement(curationsStream),
        // The full resync: every definition, and the group's schedules (ListSchedules names no resource).
        dynamoStatement([this.tables.curations], ['dynamodb:Scan']),
        new iam.PolicyStatement({ actions: ['scheduler:ListSchedules'], resources: ['*'] }),
        new iam.PolicyStatement({
          actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule'],
          resources: [this.schedules.schedulesArn],
        }),
        new iam.PolicyStatement({
          actions: ['iam:PassRole'],
          resources: [this.schedules.role.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
        }),
        ...keyUse,
      ],
    });
    this.streamTrigger('ScheduleSyncTrigger', scheduleSync, curationsStream, messaging.scheduleSyncDlq);
    scheduleSync.function.node.addDependency(this.schedules.group);
    new ScheduleResync(this, 'ScheduleResync', { scheduleSync, groupName, logRetention });

    let historyStream: BundledFunction | undefined;
    if (options.openSearchEndpoint) {
      const target = openSearchTarget(options.openSearchEndpoint, options.openSearchDomainArn)!;
      const historyStreamArn = this.tables.history.streamArn!;
      const domainArn =
        target.service === 'es'
          ? (options.openSearchDomainArn ?? this.formatArn({ service: 'es', region: target.region, resource: 'domain', resourceName: target.domainName }))
          : this.formatArn({ service: 'aoss', region: target.region, resource: 'collection', resourceName: target.collectionId });
      historyStream = fn('HistoryStream', {
        handler: 'history-stream',
        functionName: `${p}adp-history-stream`,
        description: 'adp: indexes the history table stream in OpenSearch',
        environment: {
          [E.prefix]: p,
          [E.openSearchNode]: openSearchNode(options.openSearchEndpoint),
          [E.openSearchService]: target.service,
        },
        timeout: Duration.seconds(120),
        memorySize: 256,
        statements: [
          streamReadStatement(historyStreamArn),
          target.service === 'es'
            ? new iam.PolicyStatement({ actions: ['es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpGet'], resources: [domainArn, `${domainArn}/*`] })
            : new iam.PolicyStatement({ actions: ['aoss:APIAccessAll'], resources: [domainArn] }),
          ...keyUse,
        ],
      });
      this.streamTrigger('HistoryStreamTrigger', historyStream, historyStreamArn, messaging.historyStreamDlq);
    }
    this.functions = { runStep, runStepPoller, startExecution, scheduleSync, ...(historyStream ? { historyStream } : {}) };

    const out = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    out('StateMachineArn', stateMachineArn, 'the run state machine');
    out('StartExecutionFunctionArn', startExecution.function.functionArn, 'invoke with {"curationType": "…"} to start a run');
    out('AthenaOutputBucketName', buckets.athenaOutput.bucketName, "Athena's raw results");
    out('CuratedBucketName', buckets.curated.bucketName, 'published outputs (outputDetails.outputBucket)');
    out('SuccessTopicArn', messaging.successTopic.topicArn, 'succeeded runs');
    out('FailureTopicArn', messaging.failureTopic.topicArn, 'failed runs');
    out('ScheduleGroupName', groupName, 'one schedule per curation');
    out('CurationsTableName', this.tables.names.curations, 'definitions');
    out('HistoryTableName', this.tables.names.history, 'history');
  }

  /**
   * A stream → function mapping that never blocks the shard: failed records
   * are reported one by one (ReportBatchItemFailures), a failing batch is
   * bisected and retried {@link STREAM_RETRIES} times, then sent to `dlq`.
   */
  private streamTrigger(id: string, target: BundledFunction, streamArn: string, dlq: sqs.IQueue): lambda.EventSourceMapping {
    const mapping = new lambda.EventSourceMapping(this, id, {
      target: target.function,
      eventSourceArn: streamArn,
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(1),
      bisectBatchOnError: true,
      retryAttempts: STREAM_RETRIES,
      reportBatchItemFailures: true,
      onFailure: new SqsDlq(dlq),
    });
    // The mapping is checked against the role when it is created: its policy first.
    mapping.node.addDependency(target.role);
    return mapping;
  }
}
