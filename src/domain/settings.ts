import * as z from 'zod';

/** How steps are retried: the sample's Step Functions policy (4 attempts, 2 s, x1.5) by default. */
export const retryPolicySchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(20).default(4),
  intervalMs: z.number().int().min(0).default(2000),
  backoffRate: z.number().min(1).max(10).default(1.5),
});
export type RetryPolicy = z.infer<typeof retryPolicySchema>;

/** How often a running query is polled: fast at first, then backing off to `maxMs`. */
export const pollPolicySchema = z.strictObject({
  firstMs: z.number().int().min(1).default(5),
  maxMs: z.number().int().min(1).default(1000),
  factor: z.number().min(1).default(2),
});
export type PollPolicy = z.infer<typeof pollPolicySchema>;

export interface EngineSettings {
  readonly retry: RetryPolicy;
  readonly poll: PollPolicy;
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  retry: retryPolicySchema.parse({}),
  poll: pollPolicySchema.parse({}),
};
