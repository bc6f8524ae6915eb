import type { EngineSettings } from '../domain/settings.js';
import type { RunLogEvent } from '../domain/run-events.js';
import type { AlertPolicy } from '../domain/notify/plan-run-alerts.js';
import type { Catalog } from '../ports/catalog.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { QueryEngine } from '../ports/query-engine.js';
import type { ScriptRepo } from '../ports/script-repo.js';
import type { StateStore } from '../ports/state-store.js';

/** Something worth a log line: steps report progress here, drivers decide where it goes. */
export interface RunEvent {
  readonly executionName: string;
  readonly curationType: string;
  readonly message: string;
  /** The log entry the message describes, when it is one. */
  readonly event?: RunLogEvent;
}

/** Everything the steps need, as ports. Drivers build one of these. */
export interface EngineDeps {
  readonly state: StateStore;
  readonly queries: QueryEngine;
  readonly catalog: Catalog;
  readonly objects: ObjectStore;
  readonly scripts: ScriptRepo;
  readonly clock: Clock;
  readonly settings: EngineSettings;
  /** Identifies this process as the holder of the runs it executes. */
  readonly workerId: string;
  readonly onEvent?: (event: RunEvent) => void;
  /** Where a finished run's history record and alerts go (outbox entries written with the record). */
  readonly alerts?: AlertPolicy;
  /**
   * Present when a worker executes the run under a lease: true while this
   * worker still holds it (the store checks and extends it in one call).
   * Steps ask right before a side effect a second worker would repeat
   * (publishing the output), and stop with LeaseLostError when it is gone.
   */
  readonly holdsLease?: () => Promise<boolean>;
}
