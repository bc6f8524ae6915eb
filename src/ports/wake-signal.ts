/** What changed, as far as an idle worker cares. */
export type WakeTopic = 'runs' | 'curations';

/**
 * Tells idle workers at once that another process queued a run or changed a
 * definition (PostgreSQL LISTEN/NOTIFY), so they need not wait for their next
 * poll. Optional: polling stays the fallback, and a store without it only
 * costs latency.
 */
export interface WakeSignal {
  /** Calls `listener` on every change until the returned function is called. */
  subscribe(listener: (topic: WakeTopic) => void): Promise<() => Promise<void>>;
}
