import type { RunState } from '../domain/run.js';
import type { Catalog } from '../ports/catalog.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { QueryEngine } from '../ports/query-engine.js';
import type { RunQueue } from '../ports/run-queue.js';
import type { ScheduleStore } from '../ports/schedule-store.js';
import type { ScriptRepo } from '../ports/script-repo.js';
import type { StateStore } from '../ports/state-store.js';
import type { OutboxStore } from '../ports/outbox-store.js';
import type { TokenVerifier } from './auth/tokens.js';

/** The ports the API reads and writes: a `Project` fits as it is. */
export interface ApiPorts {
  readonly state: StateStore & Pick<OutboxStore, 'countOutbox'>;
  readonly catalog: Catalog;
  readonly objects: ObjectStore;
  readonly scripts: ScriptRepo;
  readonly clock: Clock;
  /** Where runs are queued: the store applies each curation's overlap policy as it stores a run. */
  readonly scheduling: Pick<RunQueue, 'enqueueRun'>;
  /** The query engine, opened on first use (only dry runs need it). */
  queries(): Promise<QueryEngine>;
}

/** What a cancel request came to. */
export type CancelOutcome =
  /** The run's executor was told; it ends `cancelled` shortly. */
  | 'cancelling'
  /** Nobody in this process executes or holds the run. */
  | 'not-held';

/** How the API hands runs to whoever executes them (the worker pool of `adp serve`). */
export interface RunLauncher {
  /** A queued run now exists in the state store. Must return quickly; the run executes in the background. */
  launch(run: RunState): void | Promise<void>;
  /** Stops a queued or running run this process executes (see `executeRun`'s `signal`). */
  cancel?(executionName: string): Promise<CancelOutcome>;
}

export interface AuthOptions {
  readonly verifier: TokenVerifier;
  /** False: GET and HEAD under /api need no token (changes always do). Default true. */
  readonly authenticateReads?: boolean;
  /** Default true: `/healthz` needs no token. */
  readonly openHealthz?: boolean;
  /** Default true: `/metrics` needs no token. */
  readonly openMetrics?: boolean;
  /** Name of the login cookie; `startHttpServer` adds the port so two servers on one host keep theirs apart. */
  readonly cookieName?: string;
}

export interface ApiAppOptions {
  readonly ports: ApiPorts;
  readonly auth: AuthOptions;
  readonly launcher: RunLauncher;
  /** Largest request body in bytes (default 1 MiB). */
  readonly bodyLimitBytes?: number;
  /** Folder of the built dashboard (index.html, app.js, app.css); false serves no dashboard. Default: dist/web. */
  readonly webRoot?: string | false;
  /** What `/healthz` answers (503 unless status is `ok`); default: `{ status: 'ok' }` once the state store answers. */
  readonly health?: () => { readonly status: string } & Record<string, unknown>;
  /**
   * The scheduler's own next tick of a curation, when a scheduler runs in
   * this process; otherwise the API computes it from the definition.
   */
  readonly nextDue?: (curationType: string) => Date | undefined;
  /**
   * Schedule state: lets a backfill skip fire times that already succeeded and
   * not duplicate runs still in flight (as `adp backfill` does). Without it,
   * every fire time in the range gets a run.
   */
  readonly schedule?: Pick<ScheduleStore, 'scheduledRuns'>;
  /** Called with errors the API turned into 500 responses. Default: one line on stderr. */
  readonly onInternalError?: (error: unknown) => void;
}
