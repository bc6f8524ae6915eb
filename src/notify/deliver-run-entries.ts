import type { OutboxCounts } from '../ports/outbox-store.js';
import { dispatchOnce } from './dispatch-once.js';
import type { DispatcherDeps } from './dispatcher-deps.js';

const POLL_MS = 100;

/**
 * Delivers until none of the run's own entries is pending, or `timeoutMs`
 * has passed (then they stay for `adp serve`). Earlier entries of the same
 * destinations go first, since each curation's entries are delivered in order.
 * Returns the run's entry counts at the end.
 */
export async function deliverRunEntries(deps: DispatcherDeps, executionName: string, timeoutMs: number): Promise<OutboxCounts> {
  const deadline = deps.clock.now().getTime() + timeoutMs;
  for (;;) {
    const counts = await deps.outbox.countOutbox({ executionName });
    const left = deadline - deps.clock.now().getTime();
    if (counts.pending === 0 || left <= 0) return counts;
    const report = await dispatchOnce(deps);
    if (report.claimed === 0) await deps.clock.sleep(Math.min(POLL_MS, left));
  }
}
