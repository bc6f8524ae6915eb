import type { NotifierDestinationSpec } from '../domain/notify/destinations.js';
import { DeliveryError } from '../domain/notify/delivery-error.js';
import type { Notification } from '../domain/notify/events.js';
import type { OutboxEntry } from '../domain/notify/outbox.js';
import type { Notifier } from '../ports/notifier.js';
import type { OutboxOutcome } from '../ports/outbox-store.js';
import type { DispatcherDeps } from './dispatcher-deps.js';
import { failureOutcome } from './outcome.js';

/** Curations of one destination delivered at once; each curation's entries go one after another. */
const GROUP_CONCURRENCY = 8;
/** A notifier that neither answers nor times out by itself is given up on after this long (well within a claim lease). */
export const HARD_TIMEOUT_MS = 90_000;

/**
 * Sends one destination's claimed notifications: in order within each
 * curation, several curations at once. After a failure the rest of that
 * curation's entries are released untried, so nothing overtakes the entry
 * that waits for its retry.
 */
export async function deliverNotifications(
  deps: DispatcherDeps,
  destination: NotifierDestinationSpec,
  entries: readonly OutboxEntry[],
): Promise<OutboxOutcome[]> {
  if (entries.length === 0) return [];
  let notifier: Notifier;
  try {
    notifier = await deps.destinations.notifier(destination);
  } catch (error) {
    return entries.map((e) => failureOutcome(deps, e, error));
  }
  const groups = new Map<string, OutboxEntry[]>();
  for (const e of entries) {
    const list = groups.get(e.curationType) ?? [];
    list.push(e);
    groups.set(e.curationType, list);
  }
  const queue = [...groups.values()];
  const outcomes: OutboxOutcome[] = [];
  const worker = async () => {
    for (let group = queue.shift(); group; group = queue.shift()) outcomes.push(...(await deliverGroup(deps, notifier, group)));
  };
  await Promise.all(Array.from({ length: Math.min(GROUP_CONCURRENCY, queue.length) }, worker));
  return outcomes;
}

async function deliverGroup(deps: DispatcherDeps, notifier: Notifier, group: readonly OutboxEntry[]): Promise<OutboxOutcome[]> {
  const outcomes: OutboxOutcome[] = [];
  for (const [i, entry] of group.entries()) {
    try {
      await withHardTimeout(notifier.send(entry.payload as Notification, { id: entry.id, attempt: entry.attempts }));
      outcomes.push({ id: entry.id, outcome: 'delivered' });
    } catch (error) {
      const outcome = failureOutcome(deps, entry, error);
      outcomes.push(outcome);
      if (outcome.outcome === 'retry') {
        for (const later of group.slice(i + 1)) outcomes.push({ id: later.id, outcome: 'release' });
        break;
      }
    }
  }
  return outcomes;
}

async function withHardTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeliveryError(`no answer within ${HARD_TIMEOUT_MS / 1000} s`, { retryable: true })), HARD_TIMEOUT_MS);
    timer.unref();
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
