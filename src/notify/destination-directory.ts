import { SINK_TYPES, type DestinationSpec } from '../domain/notify/destinations.js';
import type { DestinationRef } from '../domain/notify/outbox.js';
import type { AlertPolicy } from '../domain/notify/plan-run-alerts.js';
import { resolveRoute } from '../domain/notify/routes.js';
import type { DestinationDirectory } from '../ports/destinations.js';
import type { StateStore } from '../ports/state-store.js';

/**
 * The destinations of the config's policy and of each curation's own
 * `notifications`, found by id. History and lineage entries go to sinks (of their type) and alerts to
 * notifiers, so a sink and a notifier that share a name never stand in for
 * each other. The config's routes come first, as when entries are planned.
 *
 * @example
 * const directory = policyDirectory(alertPolicy(project.config), project.state);
 */
export function policyDirectory(policy: AlertPolicy, curations: Pick<StateStore, 'getCuration'>): DestinationDirectory {
  return {
    async find(ref: DestinationRef, curationType: string): Promise<DestinationSpec | undefined> {
      if (SINK_TYPES.has(ref.type)) return policy.sinks.find((s) => s.id === ref.id && s.type === ref.type);
      const configured = policy.routes.find((r) => r.destination.id === ref.id);
      if (configured) return configured.destination;
      const own = (await curations.getCuration(curationType))?.definition.notifications ?? [];
      return own.map(resolveRoute).find((r) => r.destination.id === ref.id)?.destination;
    },
  };
}
