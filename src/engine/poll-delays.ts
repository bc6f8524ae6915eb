import type { PollPolicy } from '../domain/settings.js';

/** Poll delays: first poll fast, then growing by `factor` up to `maxMs`. */
export function* pollDelays(policy: PollPolicy): Generator<number, never> {
  let delay = policy.firstMs;
  for (;;) {
    yield delay;
    delay = Math.min(policy.maxMs, Math.ceil(delay * policy.factor));
  }
}
