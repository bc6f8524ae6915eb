import { isSinkDestination } from '../domain/notify/destinations.js';
import type { OutboxEntry } from '../domain/notify/outbox.js';
import type { OutboxOutcome } from '../ports/outbox-store.js';
import { deliverHistory } from './deliver-history.js';
import { deliverNotifications } from './deliver-notifications.js';
import type { DispatchReport, DispatcherDeps } from './dispatcher-deps.js';

/**
 * One round: claim due entries, deliver them (destinations in parallel), and
 * settle every claimed entry in one transaction. An entry whose process dies
 * before settling is claimed again once its lease expires.
 */
export async function dispatchOnce(deps: DispatcherDeps): Promise<DispatchReport> {
  const entries = await deps.outbox.claimOutbox({
    owner: deps.owner,
    limit: deps.settings.batchSize,
    leaseMs: deps.settings.leaseSeconds * 1000,
    now: deps.clock.now(),
  });
  if (entries.length === 0) return { claimed: 0, delivered: 0, retried: 0, dead: 0, released: 0 };
  const byDestination = new Map<string, OutboxEntry[]>();
  for (const e of entries) {
    const list = byDestination.get(e.destination.id) ?? [];
    list.push(e);
    byDestination.set(e.destination.id, list);
  }
  const results = await Promise.all(
    [...byDestination.values()].map((list) =>
      isSinkDestination(list[0]!.destination) ? deliverHistory(deps, list) : deliverNotifications(deps, list),
    ),
  );
  const outcomes: OutboxOutcome[] = results.flat();
  await deps.outbox.settleOutbox(deps.owner, outcomes, deps.clock.now());
  const count = (o: OutboxOutcome['outcome']) => outcomes.filter((x) => x.outcome === o).length;
  return { claimed: entries.length, delivered: count('delivered'), retried: count('retry'), dead: count('dead'), released: count('release') };
}
