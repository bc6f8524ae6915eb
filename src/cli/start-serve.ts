import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Project } from '../drivers/project.js';
import { perWorker } from '../domain/config.js';
import { SchedulerService } from '../scheduler/scheduler-service.js';
import { startNotifications } from '../drivers/common/notifications.js';
import { defaultHttpStarter, type HttpListener, type HttpStarter, type ServeContext, type ServeHealth, type ServeLauncher } from './serve-http.js';
import { runEndLine, runStartLine, schedulerLine, downstreamLines } from './serve-log.js';

/** Options of {@link startServe}. */
export interface StartServeOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 8080; 0 picks a free port. */
  readonly port?: number;
  /** The HTTP side; default {@link defaultHttpStarter}. */
  readonly http?: HttpStarter;
  /** Server log lines (one per run, skipped and missed ticks); default stdout. */
  readonly log?: (line: string) => void;
  /** Errors; default stderr. */
  readonly logError?: (line: string) => void;
}

/** A running `adp serve`. */
export interface RunningServe {
  readonly url: string;
  readonly loginUrl?: string;
  readonly workerId: string;
  readonly context: ServeContext;
  /**
   * Stops firing ticks and claiming runs, waits up to `graceMs` for runs in
   * flight, closes HTTP. Returns the runs still executing (another worker
   * resumes them when their leases lapse; the caller should then exit
   * without closing the project, so they are not failed on the way out).
   */
  stop(graceMs: number): Promise<{ unfinished: string[] }>;
}

/**
 * Starts the scheduler, the worker pool and the HTTP server of `adp serve`
 * on an open project.
 *
 * @example
 * const serve = await startServe(project, { port: 0 });
 * console.log(serve.url);
 * await serve.stop(30_000);
 */
export async function startServe(project: Project, options: StartServeOptions = {}): Promise<RunningServe> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const logError = options.logError ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { config, clock } = project;
  const workerId = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const engine = { ...(await project.deps()), workerId };
  const startedAt = clock.now().toISOString();
  let stopping = false;
  let http: HttpListener | undefined;
  // Every component started so far, stopped last-first when a later one fails to start:
  // a half-started server would otherwise keep polling a store the caller is about to close.
  const started: Array<() => Promise<unknown>> = [];
  const unwind = async () => {
    for (const stop of started.reverse()) await stop().catch(() => undefined);
  };
  // Delivers outbox entries (notifications, history sinks) and raises time-based alerts while serving.
  const notifications = startNotifications(project, { log: logError });
  started.push(() => notifications.stop());
  const service = new SchedulerService({
    engine,
    state: project.state,
    store: project.scheduling,
    maxConcurrentRuns: perWorker(config),
    maxActiveRuns: config.maxConcurrentRuns,
    wake: project.wake,
    leaseMs: config.leaseSeconds * 1000,
    pollMs: config.scheduler.pollMs,
    misfireGraceMs: config.scheduler.misfireGraceMs,
    worker: { host: os.hostname(), pid: process.pid },
    onSchedulerEvent: (e) => {
      http?.onSchedulerEvent?.(e);
      const line = schedulerLine(e, clock.now());
      if (line) (e.kind === 'error' ? logError : log)(line);
    },
    onRunStart: (claimed) => {
      const line = runStartLine(claimed, clock.now());
      if (line) log(line);
    },
    onRunEnd: (record) => {
      log(runEndLine(record, clock.now()));
      notifications.wake();
    },
    onError: (message) => logError(`${clock.now().toISOString()} error: ${message}`),
    onDownstream: (record, outcomes) => {
      for (const line of downstreamLines(record, outcomes, clock.now())) log(line);
    },
  });
  const launcher: ServeLauncher = {
    launch: () => service.pool.notify(),
    cancel: async (executionName) => {
      const run = await project.state.getRun(executionName);
      if (!run || (await project.state.getHistoryRecord(executionName))) return 'not-held';
      await project.scheduling.requestCancel(executionName, 'cancel requested', clock.now());
      service.pool.notify();
      return 'cancelling';
    },
  };
  const health = (): ServeHealth => ({
    status: stopping ? 'stopping' : 'ok',
    workerId,
    startedAt,
    scheduler: service.scheduler.stats(),
    runs: { ...service.pool.stats(), maxConcurrentRuns: perWorker(config), maxConcurrentRunsGlobal: config.maxConcurrentRuns },
  });
  const context: ServeContext = {
    project,
    engine,
    service,
    launcher,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 8080,
    log,
    health,
  };
  let listener: HttpListener;
  try {
    listener = await (options.http ?? defaultHttpStarter)(context);
    http = listener;
    started.push(() => listener.close());
    started.push(() => service.stop(0));
    await service.start();
    await service.heartbeat.setUrl(listener.url);
  } catch (e) {
    await unwind();
    throw e;
  }
  return {
    url: listener.url,
    loginUrl: listener.loginUrl,
    workerId,
    context,
    async stop(graceMs) {
      stopping = true;
      const unfinished = await service.stop(graceMs);
      await listener.close();
      await notifications.stop();
      return { unfinished };
    },
  };
}
