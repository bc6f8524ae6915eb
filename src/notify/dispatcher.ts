import { dispatchOnce } from './dispatch-once.js';
import type { DispatchReport, DispatcherDeps } from './dispatcher-deps.js';

/** A running dispatcher. */
export interface DispatcherHandle {
  /** Look for due entries now (e.g. right after a run finished) instead of at the next poll. */
  wake(): void;
  /** Finishes the round in progress (deliveries in flight settle), then stops. */
  stop(): Promise<void>;
}

const PRUNE_EVERY_MS = 60 * 60 * 1000;

/**
 * Delivers the outbox until stopped: rounds back to back while there is a
 * backlog, then a poll every `settings.pollMs` (or at `wake()`). Delivered
 * entries older than `retainDeliveredDays` are pruned hourly. Errors of the
 * store are logged and retried at the next poll; they never end the loop.
 *
 * @example
 * const dispatcher = startDispatcher({ outbox: store, destinations, clock: systemClock, settings: config.outbox, owner });
 * // ... on shutdown:
 * await dispatcher.stop();
 */
export function startDispatcher(deps: DispatcherDeps): DispatcherHandle {
  let stopping = false;
  let idle: AbortController | undefined;
  const wake = () => idle?.abort();
  const loop = (async () => {
    let lastPrune = 0;
    while (!stopping) {
      let report: DispatchReport | undefined;
      try {
        report = await dispatchOnce(deps);
        const nowMs = deps.clock.now().getTime();
        if (nowMs - lastPrune >= PRUNE_EVERY_MS) {
          lastPrune = nowMs;
          await deps.outbox.pruneOutbox(new Date(nowMs - deps.settings.retainDeliveredDays * 86_400_000));
        }
      } catch (error) {
        deps.log?.(`outbox: dispatch failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (stopping) break;
      if (report && report.claimed >= deps.settings.batchSize) continue;
      idle = new AbortController();
      await deps.clock.sleep(deps.settings.pollMs, idle.signal).catch(() => undefined);
      idle = undefined;
    }
  })();
  return {
    wake,
    async stop() {
      stopping = true;
      wake();
      await loop;
    },
  };
}
