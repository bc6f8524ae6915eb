import { isLineageDestination, isSinkDestination, SINK_TYPES, type DestinationSpec } from '../domain/notify/destinations.js';
import { stableJson } from '../domain/notify/stable-id.js';
import type { OutboxEntry } from '../domain/notify/outbox.js';
import type { OutboxOutcome } from '../ports/outbox-store.js';
import { deliverHistory } from './deliver-history.js';
import { deliverLineage } from './deliver-lineage.js';
import { deliverNotifications } from './deliver-notifications.js';
import type { DispatchReport, DispatcherDeps } from './dispatcher-deps.js';
import { failureOutcome } from './outcome.js';

/**
 * One round: claim due entries, look up each one's destination in the
 * current config, deliver them (destinations in parallel), and settle every
 * claimed entry in one transaction. An entry whose process dies before
 * settling is claimed again once its lease expires.
 */
export async function dispatchOnce(deps: DispatcherDeps): Promise<DispatchReport> {
  const entries = await deps.outbox.claimOutbox({
    owner: deps.owner,
    limit: deps.settings.batchSize,
    leaseMs: deps.settings.leaseSeconds * 1000,
    now: deps.clock.now(),
  });
  if (entries.length === 0) return { claimed: 0, delivered: 0, retried: 0, dead: 0, released: 0 };
  const outcomes: OutboxOutcome[] = [];
  const groups = await groupByDestination(deps, entries, outcomes);
  const results = await Promise.all(
    [...groups.values()].map(({ destination, list }) =>
      isSinkDestination(destination)
        ? deliverHistory(deps, destination, list)
        : isLineageDestination(destination)
          ? deliverLineage(deps, destination, list)
          : deliverNotifications(deps, destination, list),
    ),
  );
  outcomes.push(...results.flat());
  await deps.outbox.settleOutbox(deps.owner, outcomes, deps.clock.now());
  const count = (o: OutboxOutcome['outcome']) => outcomes.filter((x) => x.outcome === o).length;
  return { claimed: entries.length, delivered: count('delivered'), retried: count('retry'), dead: count('dead'), released: count('release') };
}

/**
 * Entries grouped by the spec they go to now. An entry whose destination
 * left the config is dead (nothing says where it should go); one whose
 * lookup failed is retried.
 */
async function groupByDestination(
  deps: DispatcherDeps,
  entries: readonly OutboxEntry[],
  outcomes: OutboxOutcome[],
): Promise<Map<string, { destination: DestinationSpec; list: OutboxEntry[] }>> {
  const groups = new Map<string, { destination: DestinationSpec; list: OutboxEntry[] }>();
  const found = new Map<string, Promise<DestinationSpec | undefined>>();
  for (const entry of entries) {
    const key = `${entry.destination.type}\u0000${entry.destination.id}\u0000${entry.curationType}`;
    let lookup = found.get(key);
    if (!lookup) {
      lookup = deps.directory.find(entry.destination, entry.curationType);
      found.set(key, lookup);
    }
    let destination: DestinationSpec | undefined;
    try {
      destination = await lookup;
    } catch (error) {
      outcomes.push(failureOutcome(deps, entry, error));
      continue;
    }
    if (!destination) {
      const error = `destination '${entry.destination.id}' is no longer configured (not in adp.config.json's ${SINK_TYPES.has(entry.destination.type) ? 'sinks' : 'notifications'} nor in curation '${entry.curationType}'s notifications): nothing to deliver to`;
      deps.log?.(`outbox: ${entry.id} (${entry.event} ${entry.curationType} -> ${entry.destination.id}) dead-lettered: ${error}`);
      outcomes.push({ id: entry.id, outcome: 'dead', error });
      continue;
    }
    const group = stableJson(destination);
    const existing = groups.get(group);
    if (existing) existing.list.push(entry);
    else groups.set(group, { destination, list: [entry] });
  }
  return groups;
}
