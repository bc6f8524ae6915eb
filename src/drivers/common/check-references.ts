import type { AdpConfig } from '../../domain/config.js';
import type { CurationDefinition } from '../../domain/curation.js';
import type { DestinationSpec } from '../../domain/notify/destinations.js';
import { alertPolicy } from '../../domain/notify/notifications-config.js';
import { resolveRoute } from '../../domain/notify/routes.js';
import { describeReference, referencesIn, SecretReferenceError } from '../../domain/notify/secret-ref.js';
import { resolveDestination, type SecretSource } from './secrets.js';

/** One destination's secret references, read now: what each names (never its value), and the first problem. */
export interface DestinationCheck {
  /** Where it is configured: `notifications[0]`, `sinks[1]`, or `curation X: notifications[0]`. */
  readonly at: string;
  readonly id: string;
  readonly type: DestinationSpec['type'];
  /** Each reference: its field and what it names (`environment variable HOOK_SECRET`). */
  readonly references: readonly { readonly field: string; readonly names: string }[];
  /** Absent when every reference resolved to a value its field accepts. */
  readonly problem?: { readonly field: string; readonly message: string };
}

/**
 * Resolves every secret reference of the config's routes and sinks (and of
 * the definitions' own routes, when given), as a delivery would, without
 * keeping a value. Destinations with no reference are not listed.
 */
export async function checkReferences(config: AdpConfig, source: SecretSource, definitions: readonly CurationDefinition[] = []): Promise<DestinationCheck[]> {
  const policy = alertPolicy(config);
  const places: { at: string; spec: DestinationSpec }[] = [
    ...policy.routes.map((r, i) => ({ at: `notifications[${i}]`, spec: r.destination })),
    ...policy.sinks.map((s, i) => ({ at: `sinks[${i}]`, spec: s as DestinationSpec })),
    ...definitions.flatMap((d) => (d.notifications ?? []).map((route, i) => ({ at: `curation ${d.curationType}: notifications[${i}]`, spec: resolveRoute(route).destination }))),
  ];
  const checks: DestinationCheck[] = [];
  for (const { at, spec } of places) {
    const references = referencesIn(spec).map((r) => ({ field: r.field, names: describeReference(r.ref) }));
    if (references.length === 0) continue;
    const base = { at, id: spec.id, type: spec.type, references };
    try {
      await resolveDestination(spec, source);
      checks.push(base);
    } catch (e) {
      if (!(e instanceof SecretReferenceError)) throw e;
      checks.push({ ...base, problem: { field: e.field, message: e.message.slice(e.field.length + 2) } });
    }
  }
  return checks;
}

/** The line an operator reads for a destination whose reference cannot be resolved (the field first, then why). */
export function referenceProblemLine(check: DestinationCheck): string | undefined {
  if (!check.problem) return undefined;
  return `${check.at}.${check.problem.field}: ${check.problem.message} (${check.type} destination '${check.id}')`;
}
