import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { stateMachineDefinition } from '../../../src/serverless/state-machine.js';

/** The placeholder the definition carries for the run-step function's ARN (a definition substitution). */
export const RUN_STEP_ARN_PLACEHOLDER = '${RunStepFunctionArn}';
/** The placeholder for the poll function's ARN (the AwaitQuery Task's). */
export const POLL_ARN_PLACEHOLDER = '${PollFunctionArn}';

/** The definition exactly as the template carries it: the generated one, the ARNs left as substitutions. */
export function runDefinitionString(): string {
  return JSON.stringify(stateMachineDefinition({ runStepFunctionArn: RUN_STEP_ARN_PLACEHOLDER, pollFunctionArn: POLL_ARN_PLACEHOLDER }));
}

export interface RunStateMachineProps {
  readonly stateMachineName: string;
  readonly runStep: lambda.IFunction;
  /** The run-step bundle deployed small, for the AwaitQuery Task. */
  readonly poller: lambda.IFunction;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The Standard state machine of a run, from the definition generated out of
 * the step list (src/serverless/state-machine.ts; never edited here). Its
 * role may only invoke the run-step function and its poller; failed executions are logged
 * (level ERROR, no execution data) to a log group with a retention.
 */
export class RunStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: RunStateMachineProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com'), description: `${props.stateMachineName}: invokes the run-step functions` });
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${props.stateMachineName}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(runDefinitionString()),
      definitionSubstitutions: { RunStepFunctionArn: props.runStep.functionArn, PollFunctionArn: props.poller.functionArn },
      role: this.role,
      logs: { destination: logGroup, level: sfn.LogLevel.ERROR, includeExecutionData: false },
    });
    props.runStep.grantInvoke(this.role);
    props.poller.grantInvoke(this.role);
  }
}
