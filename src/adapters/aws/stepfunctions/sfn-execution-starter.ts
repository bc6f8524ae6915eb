import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand, type SFNClientConfig } from '@aws-sdk/client-sfn';
import type { ExecutionStarter } from '../../../ports/execution-starter.js';

/** Step Functions StartExecution; a name already used is the idempotent case, not an error. */
export class SfnExecutionStarter implements ExecutionStarter {
  readonly #client: SFNClient;
  readonly #stateMachineArn: string;

  constructor(options: { stateMachineArn: string; clientConfig?: SFNClientConfig; client?: SFNClient }) {
    this.#client = options.client ?? new SFNClient(options.clientConfig ?? {});
    this.#stateMachineArn = options.stateMachineArn;
  }

  async start(name: string, input: Readonly<Record<string, unknown>>): Promise<'started' | 'exists'> {
    try {
      await this.#client.send(new StartExecutionCommand({ stateMachineArn: this.#stateMachineArn, name, input: JSON.stringify(input) }));
      return 'started';
    } catch (e) {
      // Same name within 90 days: the execution this start would make is already there.
      if (e instanceof ExecutionAlreadyExists || (e as Error).name === 'ExecutionAlreadyExists') return 'exists';
      throw e;
    }
  }
}
