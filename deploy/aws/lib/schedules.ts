import { Arn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

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
