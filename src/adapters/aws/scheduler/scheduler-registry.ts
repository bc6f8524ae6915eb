import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ListSchedulesCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  type CreateScheduleCommandInput,
  type SchedulerClientConfig,
} from '@aws-sdk/client-scheduler';
import type { CurationSchedule, ScheduleRegistry } from '../../../ports/schedule-registry.js';

/** Where schedules live and what they invoke. */
export interface SchedulerTarget {
  /** Schedule group (one per environment prefix). */
  readonly groupName: string;
  /** The start-execution Lambda function. */
  readonly targetArn: string;
  /** Role the scheduler assumes to invoke it. */
  readonly roleArn: string;
  /** SQS queue for invocations that failed every retry. */
  readonly deadLetterArn: string;
  /** Retries of a failed invocation (EventBridge Scheduler allows 0–185). */
  readonly maximumRetryAttempts?: number;
  /** How long a missed invocation is still worth making (60–86400 s). */
  readonly maximumEventAgeSeconds?: number;
}

/**
 * Curation schedules in EventBridge Scheduler: created, or updated when the
 * name exists (create first: a new curation is the common case), deleted
 * without complaint when already gone. Each invokes the start-execution
 * function with a retry limit and a dead-letter queue, so a failing start
 * is kept rather than retried forever or lost.
 */
export class SchedulerRegistry implements ScheduleRegistry {
  readonly #client: SchedulerClient;
  readonly #target: SchedulerTarget;

  constructor(options: { target: SchedulerTarget; clientConfig?: SchedulerClientConfig; client?: SchedulerClient }) {
    this.#client = options.client ?? new SchedulerClient(options.clientConfig ?? {});
    this.#target = options.target;
  }

  async put(schedule: CurationSchedule): Promise<void> {
    const t = this.#target;
    const input: CreateScheduleCommandInput = {
      Name: schedule.name,
      GroupName: t.groupName,
      ScheduleExpression: schedule.expression,
      ScheduleExpressionTimezone: schedule.timezone,
      State: schedule.enabled ? 'ENABLED' : 'DISABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: t.targetArn,
        RoleArn: t.roleArn,
        Input: JSON.stringify(schedule.input),
        DeadLetterConfig: { Arn: t.deadLetterArn },
        RetryPolicy: { MaximumRetryAttempts: t.maximumRetryAttempts ?? 3, MaximumEventAgeInSeconds: t.maximumEventAgeSeconds ?? 3600 },
      },
    };
    try {
      await this.#client.send(new CreateScheduleCommand(input));
    } catch (e) {
      if (!(e instanceof ConflictException || (e as Error).name === 'ConflictException')) throw e;
      await this.#client.send(new UpdateScheduleCommand(input));
    }
  }

  /** Every schedule name in the group (ListSchedules, page by page). */
  async list(): Promise<string[]> {
    const names: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.#client.send(new ListSchedulesCommand({ GroupName: this.#target.groupName, ...(NextToken ? { NextToken } : {}) }));
      for (const s of page.Schedules ?? []) if (s.Name) names.push(s.Name);
      NextToken = page.NextToken;
    } while (NextToken);
    return names;
  }

  async delete(name: string): Promise<boolean> {
    try {
      await this.#client.send(new DeleteScheduleCommand({ Name: name, GroupName: this.#target.groupName }));
      return true;
    } catch (e) {
      if (e instanceof ResourceNotFoundException || (e as Error).name === 'ResourceNotFoundException') return false;
      throw e;
    }
  }
}
