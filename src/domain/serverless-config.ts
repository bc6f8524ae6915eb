import * as z from 'zod';

/** Lambda's longest function timeout. */
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

/** What a run-step invocation keeps of its time for its last poll and its answer; polling in the task stops this long before the function would time out. */
export const POLL_IN_TASK_MARGIN_SECONDS = 30;

/**
 * The `serverless` section of `adp.config.json`: how the run-step Lambda
 * behind the Step Functions state machine spends its time.
 *
 * `pollInTaskSeconds` is how long one `AwaitQuery` invocation keeps polling
 * the engine itself (bounded backoff from 0.5 s to 5 s) before it answers a
 * Wait to the state machine, never past the function's timeout less
 * {@link POLL_IN_TASK_MARGIN_SECONDS}. The trade-off is what is billed:
 * each Wait → Task → Choice round is 3 state transitions and an invocation,
 * while polling in the task is billed as Lambda GB-seconds for as long as
 * the query runs. The default (840 s, under the 15-minute timeout) brings a
 * 10-minute query to 14 transitions; `0` answers every poll as a Wait (the
 * cheapest in dollars when the function has a lot of memory, see
 * bench/serverless-transitions.mjs for both at list prices).
 */
export const serverlessConfigSchema = z.strictObject({
  pollInTaskSeconds: z
    .number()
    .int()
    .min(0)
    .max(LAMBDA_MAX_TIMEOUT_SECONDS - POLL_IN_TASK_MARGIN_SECONDS, `must be at most ${LAMBDA_MAX_TIMEOUT_SECONDS - POLL_IN_TASK_MARGIN_SECONDS} (Lambda's 900 s timeout less the ${POLL_IN_TASK_MARGIN_SECONDS} s an invocation keeps for its answer)`)
    .default(840),
});
export type ServerlessConfig = z.infer<typeof serverlessConfigSchema>;
