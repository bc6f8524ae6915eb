import type { HistoryRecord } from '../domain/history.js';
import { downstreamClosure } from '../domain/dependency-graph.js';
import type { RunState } from '../domain/run.js';
import { resolveSchedulePolicy } from '../domain/schedule-policy.js';
import { newRun } from '../engine/create-run.js';
import type { Clock } from '../ports/clock.js';
import type { RunQueue } from '../ports/run-queue.js';
import type { ScheduleStore } from '../ports/schedule-store.js';
import type { StateStore } from '../ports/state-store.js';

/** What {@link queueDownstream} needs. */
export interface DownstreamDeps {
  readonly state: Pick<StateStore, 'listCurations'>;
  readonly schedule: Pick<ScheduleStore, 'scheduledRuns'>;
  readonly queue: Pick<RunQueue, 'enqueueRun'>;
  readonly clock: Clock;
}

/** What became of one downstream curation after its upstream's run ended. */
export type DownstreamOutcome =
  | { readonly curationType: string; readonly queued: string }
  /** Not queued: another upstream in the chain has not succeeded yet (its success queues it), it already has a run for the time, or its overlap is skip and a run is active. */
  | { readonly curationType: string; readonly notQueued: string };

/**
 * After a run started with `--downstream` succeeded, queues each curation
 * that depends on it (trigger `dependency`, the same `scheduledTime`,
 * carrying the chain on), once every upstream of it inside the chain has
 * succeeded for that time, so a diamond runs its bottom once. Upstreams
 * outside the chain are not waited for: the manual start stands in for them.
 * Returns one outcome per direct downstream.
 *
 * @example
 * for (const o of await queueDownstream(deps, run, record)) log(o);
 */
export async function queueDownstream(deps: DownstreamDeps, run: RunState, record: HistoryRecord): Promise<DownstreamOutcome[]> {
  const chain = run.context.downstream;
  if (!chain || record.status !== 'succeeded' || run.scheduledTime === undefined) return [];
  const time = run.scheduledTime;
  const all = (await deps.state.listCurations()).map((s) => s.definition);
  const inChain = new Set([chain.root, ...downstreamClosure(all, chain.root)]);
  const outcomes: DownstreamOutcome[] = [];
  for (const def of all.filter((d) => d.dependsOn?.includes(run.curationType)).sort((a, b) => (a.curationType < b.curationType ? -1 : 1))) {
    const type = def.curationType;
    const waitingFor: string[] = [];
    for (const up of def.dependsOn!.filter((u) => u !== run.curationType && inChain.has(u))) {
      if (!(await deps.schedule.scheduledRuns(up, time, time)).succeeded.has(time)) waitingFor.push(up);
    }
    if (waitingFor.length > 0) {
      outcomes.push({ curationType: type, notQueued: `waits for ${waitingFor.join(', ')} (its success queues it)` });
      continue;
    }
    const own = await deps.schedule.scheduledRuns(type, time, time);
    if (own.succeeded.has(time) || own.active.length > 0) {
      outcomes.push({ curationType: type, notQueued: `already has a run for ${time}` });
      continue;
    }
    const now = deps.clock.now();
    const next = newRun({ curationType: type, trigger: 'dependency', scheduledTime: new Date(time) }, now);
    next.context = { downstream: chain };
    const reason = `superseded by dependency run ${next.executionName} (overlap: cancelRunning)`;
    const outcome = await deps.queue.enqueueRun(next, resolveSchedulePolicy(def).overlap, now, reason);
    outcomes.push(outcome.queued ? { curationType: type, queued: next.executionName } : { curationType: type, notQueued: `run ${outcome.active.executionName} is ${outcome.active.status} (overlap: skip)` });
  }
  return outcomes;
}

