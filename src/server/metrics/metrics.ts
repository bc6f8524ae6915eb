import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { StateStore } from '../../ports/state-store.js';
import type { OutboxStore } from '../../ports/outbox-store.js';
import { HistoryFeed } from './history-feed.js';

/** Prometheus metrics of one server: run outcomes, durations, queue depth, schedule lag. */
export interface AdpMetrics {
  readonly registry: Registry;
  /** The exposition text (and its content type) after bringing run counters up to date. */
  render(): Promise<{ contentType: string; body: string }>;
  /** How late the scheduler started a tick, per curation: called by the scheduler of `adp serve`. */
  recordScheduleLag(curationType: string, lagSeconds: number): void;
}

/**
 * Metrics read from the state store at scrape time: `adp_runs_total` and
 * `adp_run_duration_seconds` count history records written since the server
 * started; `adp_runs_running` / `adp_runs_queued` are the runs in flight now;
 * `adp_outbox_pending` the deliveries still to make.
 *
 * @example
 * const metrics = createMetrics(project.state, new Date());
 * scheduler.onTick((type, lag) => metrics.recordScheduleLag(type, lag));
 */
export function createMetrics(state: StateStore & Pick<OutboxStore, 'countOutbox'>, startedAt: Date, options: { processMetrics?: boolean } = {}): AdpMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const feed = new HistoryFeed(state, startedAt.getTime());

  const runs = new Counter({
    name: 'adp_runs_total',
    help: 'Runs that ended since the server started, by curation and terminal status',
    labelNames: ['curation', 'status'] as const,
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'adp_run_duration_seconds',
    help: 'Wall time of ended runs, from start to history record',
    labelNames: ['curation', 'status'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 1800, 3600],
    registers: [registry],
  });
  const lag = new Gauge({
    name: 'adp_schedule_lag_seconds',
    help: 'How late the last scheduled tick of each curation started',
    labelNames: ['curation'] as const,
    registers: [registry],
  });
  const inFlight = (status: 'running' | 'queued') =>
    new Gauge({
      name: `adp_runs_${status}`,
      help: `Runs ${status} right now`,
      registers: [registry],
      async collect() {
        const active = await state.listActiveRuns();
        this.set(active.filter((r) => r.status === status).length);
      },
    });
  inFlight('running');
  inFlight('queued');
  new Gauge({
    name: 'adp_outbox_pending',
    help: 'Notifications and history-sink deliveries not yet made (dead letters excluded)',
    registers: [registry],
    async collect() {
      this.set((await state.countOutbox()).pending);
    },
  });

  return {
    registry,
    async render() {
      for (const r of await feed.poll()) {
        runs.inc({ curation: r.curationType, status: r.status });
        durations.observe({ curation: r.curationType, status: r.status }, r.durationMs / 1000);
      }
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
    recordScheduleLag(curationType, lagSeconds) {
      lag.set({ curation: curationType }, Math.max(0, lagSeconds));
    },
  };
}
