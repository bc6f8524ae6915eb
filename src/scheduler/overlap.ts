import type { OverlapPolicy } from '../domain/schedule-policy.js';
import type { RunState } from '../domain/run.js';

/** What a tick does about earlier runs of its curation that are still active. */
export type OverlapDecision =
  | { readonly action: 'start' }
  | { readonly action: 'skip'; readonly reason: string }
  | { readonly action: 'queue'; readonly behind: readonly string[] }
  | { readonly action: 'cancelRunning'; readonly cancel: readonly string[]; readonly reason: string };

/**
 * Applies the curation's `overlap` policy to its active runs. Backfill runs
 * are not the schedule's business and never count as overlapping.
 *
 * @example
 * decideOverlap('skip', [running]) // { action: 'skip', reason: 'previous run … is still running (overlap: skip)' }
 */
export function decideOverlap(policy: OverlapPolicy, active: readonly RunState[], tickIso: string): OverlapDecision {
  const blocking = active.filter((r) => r.trigger !== 'backfill');
  if (blocking.length === 0) return { action: 'start' };
  const names = blocking.map((r) => r.executionName);
  switch (policy) {
    case 'skip': {
      const first = blocking[0]!;
      return { action: 'skip', reason: `previous run ${first.executionName} is still ${first.status} (overlap: skip)` };
    }
    case 'queue':
      return { action: 'queue', behind: names };
    case 'cancelRunning':
      return { action: 'cancelRunning', cancel: names, reason: `superseded by the tick of ${tickIso} (overlap: cancelRunning)` };
  }
}
