import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface AdpMessagingProps {
  readonly prefix: string;
  readonly key?: kms.IKey;
}

/**
 * SNS topics for succeeded and failed runs (encrypted with the key when
 * given), and the dead-letter queues: one per stream function (records a
 * function gave up on) and one for Scheduler targets (starts that could
 * not be delivered). The queues use SQS-managed encryption, so Lambda and
 * Scheduler can write to them without a key grant; messages are kept 14 days.
 */
export class AdpMessaging extends Construct {
  readonly successTopic: sns.Topic;
  readonly failureTopic: sns.Topic;
  readonly scheduleSyncDlq: sqs.Queue;
  readonly historyStreamDlq: sqs.Queue;
  readonly schedulerDlq: sqs.Queue;

  constructor(scope: Construct, id: string, props: AdpMessagingProps) {
    super(scope, id);
    const { prefix, key } = props;
    const topic = (name: string, topicName: string) =>
      new sns.Topic(this, name, { topicName, displayName: topicName, ...(key ? { masterKey: key } : {}), enforceSSL: true });
    this.successTopic = topic('SuccessTopic', `${prefix}curationSuccess`);
    this.failureTopic = topic('FailureTopic', `${prefix}curationFailure`);
    const dlq = (name: string, queueName: string) =>
      new sqs.Queue(this, name, { queueName, retentionPeriod: Duration.days(14), encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true });
    this.scheduleSyncDlq = dlq('ScheduleSyncDlq', `${prefix}adp-schedule-sync-dlq`);
    this.historyStreamDlq = dlq('HistoryStreamDlq', `${prefix}adp-history-stream-dlq`);
    this.schedulerDlq = dlq('SchedulerDlq', `${prefix}adp-scheduler-dlq`);
  }
}
