import type { CurationDefinition } from './curation.js';

/** What happens to ticks missed while no scheduler ran: none, the most recent one, or each (up to `maxCatchUp`). */
export const CATCH_UP_POLICIES = ['none', 'latest', 'all'] as const;
export type CatchUpPolicy = (typeof CATCH_UP_POLICIES)[number];

/** What a tick does while an earlier run of the same curation is still active. */
export const OVERLAP_POLICIES = ['skip', 'queue', 'cancelRunning'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

export const DEFAULT_CATCH_UP: CatchUpPolicy = 'latest';
export const DEFAULT_MAX_CATCH_UP = 10;
export const DEFAULT_OVERLAP: OverlapPolicy = 'skip';

/** A definition's scheduling fields with defaults applied. */
export interface SchedulePolicy {
  readonly enabled: boolean;
  readonly timezone: string;
  readonly catchUp: CatchUpPolicy;
  readonly maxCatchUp: number;
  readonly overlap: OverlapPolicy;
  /** Epoch ms of `startDate`: no tick before it, and rate() ticks count from it. */
  readonly startMs?: number;
}

/**
 * The scheduling fields of `def` with their defaults.
 *
 * @example
 * resolveSchedulePolicy(def) // { enabled: true, timezone: 'UTC', catchUp: 'latest', maxCatchUp: 10, overlap: 'skip' }
 */
export function resolveSchedulePolicy(def: CurationDefinition): SchedulePolicy {
  const policy: SchedulePolicy = {
    enabled: def.enabled !== false,
    timezone: def.timezone ?? 'UTC',
    catchUp: def.catchUp ?? DEFAULT_CATCH_UP,
    maxCatchUp: def.maxCatchUp ?? DEFAULT_MAX_CATCH_UP,
    overlap: def.overlap ?? DEFAULT_OVERLAP,
  };
  return def.startDate === undefined ? policy : { ...policy, startMs: Date.parse(def.startDate) };
}
