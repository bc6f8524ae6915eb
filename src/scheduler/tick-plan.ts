import type { CatchUpPolicy } from '../domain/schedule-policy.js';

/** Input of {@link planTicks}. */
export interface TickPlanInput {
  /** Ticks not yet handled, ascending (possibly only the most recent of them). */
  readonly ticks: readonly number[];
  /** True when older unhandled ticks exist than those in `ticks`. */
  readonly more: boolean;
  /** How many such older ticks, if known. */
  readonly older?: number;
  readonly nowMs: number;
  /** A tick later than this is missed, not merely late. */
  readonly graceMs: number;
  readonly catchUp: CatchUpPolicy;
  readonly maxCatchUp: number;
}

/** Which ticks to run; the others are passed over. */
export interface TickPlan {
  /** Ascending; each is claimed in turn. */
  readonly run: number[];
  /** Missed ticks that will not run (at least this many when `morePassed`). */
  readonly passed: number;
  readonly morePassed: boolean;
}

/**
 * Decides which due ticks run. A tick within `graceMs` of now is on time and
 * always runs. Missed ticks follow `catchUp`: `none` runs none, `latest` the
 * most recent one (none if an on-time tick runs anyway), `all` the most
 * recent `maxCatchUp`, oldest first.
 *
 * @example
 * planTicks({ ticks: [0, 60_000, 120_000], more: false, nowMs: 121_000, graceMs: 5_000, catchUp: 'latest', maxCatchUp: 10 })
 * // { run: [120_000], passed: 2, morePassed: false }
 */
export function planTicks(input: TickPlanInput): TickPlan {
  const cutoff = input.nowMs - input.graceMs;
  const missed = input.ticks.filter((t) => t < cutoff);
  const onTime = input.ticks.filter((t) => t >= cutoff);
  let caughtUp: number[];
  switch (input.catchUp) {
    case 'none':
      caughtUp = [];
      break;
    case 'latest':
      caughtUp = onTime.length > 0 ? [] : missed.slice(-1);
      break;
    case 'all':
      caughtUp = missed.slice(-input.maxCatchUp);
      break;
  }
  const passed = missed.length - caughtUp.length + (input.older ?? 0);
  return { run: [...caughtUp, ...onTime], passed, morePassed: input.more && input.older === undefined };
}
