/** Starts state machine executions (Step Functions on AWS). */
export interface ExecutionStarter {
  /**
   * Starts the execution `name` with `input`. Idempotent per name: an
   * execution of that name that already exists answers `'exists'`.
   */
  start(name: string, input: Readonly<Record<string, unknown>>): Promise<'started' | 'exists'>;
}
