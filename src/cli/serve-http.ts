import type { RunState } from '../domain/run.js';
import type { Project } from '../drivers/project.js';
import type { EngineDeps } from '../engine/engine-deps.js';
import type { SchedulerService } from '../scheduler/scheduler-service.js';
import { startApiServer } from '../server/serve-starter.js';
import type { SchedulerEvent } from '../scheduler/scheduler-events.js';

/** What `GET /healthz` reports. */
export interface ServeHealth {
  readonly status: 'ok' | 'stopping';
  readonly workerId: string;
  readonly startedAt: string;
  readonly scheduler: { readonly scheduled: number; readonly fired: number; readonly skipped: number };
  readonly runs: { readonly active: number; readonly completed: number; readonly maxConcurrentRuns: number; readonly maxConcurrentRunsGlobal: number };
}

/**
 * Hands runs to the worker pools of every `adp serve` on this home.
 * `launch` wakes this process's pool; `cancel` reaches whichever process
 * executes the run (through the state store).
 */
export interface ServeLauncher {
  launch(run: RunState): void;
  /** `cancelling` when the run is queued or running; `not-held` when it already ended or does not exist. */
  cancel(executionName: string): Promise<'cancelling' | 'not-held'>;
}

/** Everything an HTTP server inside `adp serve` may use. */
export interface ServeContext {
  readonly project: Project;
  /** The engine the worker pool runs (its `workerId` names this process). */
  readonly engine: EngineDeps;
  /** Scheduler (`nextDue`, `stats`) and worker pool (`notify`, `stats`). */
  readonly service: SchedulerService;
  readonly launcher: ServeLauncher;
  /** From `--host` / `--port` (port 0: any free port). */
  readonly host: string;
  readonly port: number;
  /** One line to the server log (stdout). */
  readonly log: (line: string) => void;
  health(): ServeHealth;
}

/** A listening HTTP server, as `adp serve` needs to know it. */
export interface HttpListener {
  /** `http://HOST:PORT`, no trailing slash. */
  readonly url: string;
  /** A URL that also logs a browser in, when there is one. */
  readonly loginUrl?: string;
  /** Sees every scheduler event (metrics take the schedule lag from it). */
  onSchedulerEvent?(event: SchedulerEvent): void;
  close(): Promise<void>;
}

/** Starts the HTTP side of `adp serve`; resolves once it listens. */
export type HttpStarter = (ctx: ServeContext) => Promise<HttpListener>;

/**
 * The HTTP server `adp serve` starts: the API, `/metrics` and the dashboard
 * (`/healthz` answers `ctx.health()`). `startHealthServer` is the bare
 * alternative with only `/healthz`.
 */
export const defaultHttpStarter: HttpStarter = (ctx) => startApiServer(ctx);
