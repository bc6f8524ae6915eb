import { Arn, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { BundledFunction } from './bundled-function.js';

export interface CurationSchedulesProps {
  readonly groupName: string;
  /** What every schedule invokes: the start-execution function. */
  readonly startFunction: lambda.IFunction;
  /** Where Scheduler puts starts it could not deliver. */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * The EventBridge Scheduler group the schedule-sync function keeps one
 * schedule per curation in (`{curationType}-scheduled-curation`), and the
 * role Scheduler assumes for them: it may invoke the start-execution
 * function (which alone starts the run state machine) and write to the
 * dead-letter queue, and only schedules of this group may assume it.
 */
export class CurationSchedules extends Construct {
  readonly group: scheduler.CfnScheduleGroup;
  readonly role: iam.Role;
  /** `arn:…:schedule/<group>/*`: the schedules the sync function manages. */
  readonly schedulesArn: string;

  constructor(scope: Construct, id: string, props: CurationSchedulesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.group = new scheduler.CfnScheduleGroup(this, 'Group', { name: props.groupName });
    this.schedulesArn = Arn.format({ service: 'scheduler', resource: 'schedule', resourceName: `${props.groupName}/*` }, stack);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': this.schedulesArn },
        },
      }),
      description: `Scheduler: ${props.groupName} schedules start runs through the start-execution function`,
      inlinePolicies: {
        StartRuns: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.startFunction.functionArn] }),
            new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.deadLetterQueue.queueArn] }),
          ],
        }),
      },
    });
  }
}

export interface ScheduleResyncProps {
  readonly scheduleSync: BundledFunction;
  readonly groupName: string;
  readonly logRetention: logs.RetentionDays;
}

/**
 * A full resync of the schedules on every create and on each update that
 * changes the schedule-sync code or group: a custom resource invokes the
 * schedule-sync function with `{"resync": true, "revision": …}` and waits
 * for it, so definitions already in the table (a sample user's) get their
 * schedule at the first deploy. Its role may only invoke that function.
 */
export class ScheduleResync extends Construct {
  readonly resource: cr.AwsCustomResource;

  constructor(scope: Construct, id: string, props: ScheduleResyncProps) {
    super(scope, id);
    const fn = props.scheduleSync.function;
    const call: cr.AwsSdkCall = {
      service: 'Lambda',
      action: 'invoke',
      parameters: {
        FunctionName: fn.functionName,
        InvocationType: 'RequestResponse',
        Payload: JSON.stringify({ resync: true, revision: `${props.groupName}:${props.scheduleSync.bundleHash.slice(0, 16)}` }),
      },
      physicalResourceId: cr.PhysicalResourceId.of(`${props.groupName}-resync`),
      // Only the status: the answer names every schedule and could pass the custom resource's 4 KB.
      outputPaths: ['StatusCode'],
    };
    this.resource = new cr.AwsCustomResource(this, 'Invoke', {
      onCreate: call,
      onUpdate: call,
      policy: cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] })]),
      installLatestAwsSdk: false,
      timeout: Duration.minutes(6),
      logGroup: new logs.LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY }),
    });
    // After the function's role holds its policy (the mapping and the resync both use it).
    this.resource.node.addDependency(props.scheduleSync.role);
  }
}
