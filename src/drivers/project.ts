import type { AdpConfig } from '../domain/config.js';
import type { EngineDeps, RunEvent } from '../engine/engine-deps.js';
import type { Catalog } from '../ports/catalog.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { OutboxStore } from '../ports/outbox-store.js';
import type { QueryEngine } from '../ports/query-engine.js';
import type { RunQueue } from '../ports/run-queue.js';
import type { ScheduleStore } from '../ports/schedule-store.js';
import type { ScriptRepo } from '../ports/script-repo.js';
import type { StateStore } from '../ports/state-store.js';
import type { WakeSignal } from '../ports/wake-signal.js';
import type { WorkerRegistry } from '../ports/worker-registry.js';
import type { HomeLayout } from './common/home.js';

/** The drivers `adp.config.json` can name. */
export const DRIVER_NAMES = ['embedded', 'postgres', 'aws'] as const;
export type DriverName = (typeof DRIVER_NAMES)[number];

/** The scheduler's ports: tick claims, run leases, worker heartbeats. */
export type SchedulingPorts = ScheduleStore & RunQueue & WorkerRegistry;

/** Where a driver keeps curations, runs, history, schedule and outbox. */
export interface StateBackend {
  readonly state: StateStore & OutboxStore;
  readonly scheduling: SchedulingPorts;
  /** Present when other processes' changes can wake this one (PostgreSQL LISTEN/NOTIFY). */
  readonly wake?: WakeSignal;
  /** A line for logs: where the state lives (never a password). */
  readonly describe: string;
  close(): Promise<void>;
}

/** Where a driver keeps the data: tables, objects, scripts, and the engine that queries them. */
export interface Lake {
  readonly catalog: Catalog;
  readonly objects: ObjectStore;
  readonly scripts: ScriptRepo;
  /** The query engine, opened on first use (most commands never run a query). */
  queries(): Promise<QueryEngine>;
  close(): Promise<void>;
}

/**
 * An open project, as every interface (CLI, HTTP server, dashboard) sees it:
 * ports only. Drivers under `src/drivers/<name>/` build it; nothing else
 * knows which adapters are behind it.
 */
export interface Project extends StateBackend {
  readonly driver: DriverName;
  readonly home: HomeLayout;
  readonly config: AdpConfig;
  readonly catalog: Catalog;
  readonly objects: ObjectStore;
  readonly scripts: ScriptRepo;
  readonly clock: Clock;
  /** The query engine, opened on first use (most commands never run a query). */
  queries(): Promise<QueryEngine>;
  /** What the run steps need, with this process as the worker. */
  deps(onEvent?: (event: RunEvent) => void): Promise<EngineDeps>;
}

/** How a command opens its project. */
export interface OpenOptions {
  readonly clock?: Clock;
  /** Apply pending schema migrations (`adp init`, `adp migrate`); otherwise an old schema is an error that says so. */
  readonly migrate?: boolean;
  /**
   * The command only reads: open the state so that a home the user may not
   * write (a read-only mount, another user's folder) still answers. The
   * embedded driver opens `state.db` read-only, migrating it first only
   * when its schema is older and the file may be written.
   */
  readonly readOnly?: boolean;
  /** Environment to read overrides from (`ADP_DATABASE_URL`); default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * A run executes in this process right after opening (`adp run --wait`): the driver starts loading its query
   * engine before the state, and opening it once the lake is open, so that start overlaps the rest of the
   * opening and the run's first steps (a failure to open surfaces at the query, as without it).
   */
  readonly runsQueries?: boolean;
}

/** What a driver's `startQueries` began, for its `openLake` to take over (or `discard`, if opening fails). */
export interface QueryHeadStart {
  discard(): Promise<void>;
}

/** One driver: opens the state backend of a home, then the lake beside it. */
export interface DriverModule {
  readonly name: DriverName;
  openState(home: HomeLayout, config: AdpConfig, options: Required<Pick<OpenOptions, 'clock'>> & OpenOptions): Promise<StateBackend>;
  openLake(
    home: HomeLayout,
    config: AdpConfig,
    backend: StateBackend,
    options: Required<Pick<OpenOptions, 'clock'>> & OpenOptions & { readonly headStart?: QueryHeadStart },
  ): Promise<Lake>;
  /** Starts loading the query engine, where that takes a while (DuckDB's native library and instance). */
  startQueries?(): QueryHeadStart;
}
