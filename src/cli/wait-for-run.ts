import type { Project } from '../drivers/project.js';
import type { EngineDeps } from '../engine/engine-deps.js';
import type { HistoryRecord } from '../domain/history.js';
import type { RunState } from '../domain/run.js';
import type { CliIo } from './io.js';
import { driveRun } from '../scheduler/drive-run.js';
import { queueDownstream } from '../scheduler/downstream.js';
import { downstreamLines } from './serve-log.js';
import { deliverRunNotifications } from '../drivers/common/notifications.js';

/** How this process holds a run it executes (as `adp serve`'s workers do): the project's lease length and poll. */
export function cliLease(p: Project) {
  return { queue: p.scheduling, leaseMs: p.config.leaseSeconds * 1000, checkMs: p.config.scheduler.pollMs, maxClaims: 3 };
}

/**
 * Sees a queued run through to its record in this process, leased like a
 * worker's run (a running `adp serve` leaves it alone, and resumes it if this
 * process dies), then delivers its notifications here. `downstream`: queue
 * the curations that depend on it once it succeeded.
 */
export async function waitForRun(p: Project, deps: EngineDeps, io: CliIo, run: RunState, options: { downstream?: boolean } = {}): Promise<HistoryRecord> {
  const record = await driveRun(deps, cliLease(p), run.executionName);
  if (options.downstream) {
    // Queued for `adp serve`, which carries the chain on as each one succeeds.
    const outcomes = await queueDownstream({ ...deps, schedule: p.scheduling, queue: p.scheduling }, run, record);
    for (const line of downstreamLines(record, outcomes, p.clock.now())) io.err(line);
  }
  const outbox = await deliverRunNotifications(p, run.executionName, { log: (line) => io.err(line) });
  if (outbox.pending > 0) io.err(`${outbox.pending} notification(s) not delivered yet: \`adp serve\` retries them (see \`adp outbox list\`)`);
  return record;
}
