import type { PollPolicy } from '../domain/settings.js';

/**
 * Delay before poll `polls + 1` of a running query (`polls` already made):
 * the first fast, each next `factor` times longer, capped at `maxMs`. A run
 * polled one step at a time keeps only the count, so the delay is a
 * function of it rather than a generator's hidden state.
 */
export function pollDelayMs(policy: PollPolicy, polls: number): number {
  let delay = policy.firstMs;
  for (let i = 0; i < polls && delay < policy.maxMs; i++) delay = Math.ceil(delay * policy.factor);
  return Math.min(policy.maxMs, delay);
}
