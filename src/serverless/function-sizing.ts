import { LAMBDA_MAX_TIMEOUT_SECONDS, POLL_IN_TASK_MARGIN_SECONDS, serverlessConfigSchema } from '../domain/serverless-config.js';

/**
 * Memory and timeout of the two functions deploy/aws makes from the run-step
 * bundle; bench/serverless-transitions.mjs prices runs with the same figures.
 *
 * - `runStep` runs every step but the polls: DynamoDB, Glue, Athena's start,
 *   S3 copies and tags, the scripts read (a git clone in memory for a git
 *   remote). 512 MB: the bundle's measured cold start stays far below it
 *   (the bench prints the peak RSS), and Lambda's CPU share grows with
 *   memory, so cold starts and zod/JSON work stay fast; it is billed per
 *   step for well under a second.
 * - `poller` runs the AwaitQuery Task: it polls the engine itself for up to
 *   `serverless.pollInTaskSeconds` (mostly sleeping), so its GB-seconds are
 *   what a long query costs. 128 MB, Lambda's smallest, where polling in the
 *   task costs less than waiting in Step Functions; its timeout is the
 *   default budget plus the margin an invocation keeps for its answer.
 *
 * @example
 * new lambda.Function(this, 'Poller', { memorySize: FUNCTION_SIZING.poller.memoryMb, timeout: Duration.seconds(FUNCTION_SIZING.poller.timeoutSeconds), … })
 */
export const FUNCTION_SIZING = {
  runStep: { memoryMb: 512, timeoutSeconds: LAMBDA_MAX_TIMEOUT_SECONDS },
  poller: { memoryMb: 128, timeoutSeconds: serverlessConfigSchema.parse({}).pollInTaskSeconds + POLL_IN_TASK_MARGIN_SECONDS },
} as const satisfies Record<string, { readonly memoryMb: number; readonly timeoutSeconds: number }>;
