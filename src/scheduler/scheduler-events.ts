/** What the scheduler did, for log lines, metrics and benchmarks. */
export type SchedulerEvent =
  | {
      readonly kind: 'fired';
      readonly curationType: string;
      readonly scheduledTime: Date;
      readonly executionName: string;
      /** How late the run was queued, in ms after its tick. */
      readonly lagMs: number;
      /** True for a missed tick run by `catchUp`. */
      readonly catchUp: boolean;
    }
  | {
      readonly kind: 'skipped';
      readonly curationType: string;
      readonly scheduledTime: Date;
      readonly executionName: string;
      readonly reason: string;
    }
  | {
      /** Missed ticks that `catchUp` did not run (at least `count` when `more`). */
      readonly kind: 'missed';
      readonly curationType: string;
      readonly count: number;
      readonly more: boolean;
      readonly latest: Date;
    }
  | {
      /** A tick held until its upstreams (`dependsOn`) succeed for the same scheduled time, or `until`. */
      readonly kind: 'waiting';
      readonly curationType: string;
      readonly scheduledTime: Date;
      /** The upstreams not yet succeeded, each with how it stands. */
      readonly upstreams: readonly string[];
      readonly until: Date;
    }
  | { readonly kind: 'cancelRequested'; readonly curationType: string; readonly executionName: string; readonly reason: string }
  | { readonly kind: 'error'; readonly curationType?: string; readonly message: string };
