import { StateError } from '../domain/errors.js';
import type { HistoryRecord } from '../domain/history.js';
import type { EngineDeps } from '../engine/engine-deps.js';
import { failureFor } from '../engine/failure.js';
import { executeRun } from '../engine/run-workflow.js';
import type { ClaimedRun, RunQueue } from '../ports/run-queue.js';

/** What {@link executeLeased} needs besides the engine. */
export interface LeaseSettings {
  readonly queue: Pick<RunQueue, 'renewLeases' | 'releaseLease' | 'cancelRequests'>;
  /** Lease length; renewed every third of it. */
  readonly leaseMs: number;
  /** How often cancel requests are looked for. */
  readonly checkMs: number;
  /** A run claimed more often than this (its workers kept dying) is failed instead of resumed. */
  readonly maxClaims: number;
}

/**
 * Executes a claimed run while holding its lease: renews the lease, aborts the
 * run when someone asks to cancel it, and releases the lease at the end. A run
 * whose earlier workers all died ends `failed` with a cause saying so rather
 * than being resumed forever. If execution itself throws (the store is gone),
 * the lease is left to expire so another worker resumes the run later. A
 * lease that lapsed and was taken over stops the run here before its next
 * step, and before it publishes (LeaseLostError): one worker publishes a run.
 */
export async function executeLeased(
  engine: EngineDeps,
  settings: LeaseSettings,
  claimed: ClaimedRun,
  signal?: AbortSignal,
): Promise<HistoryRecord> {
  const name = claimed.run.executionName;
  const owner = engine.workerId;
  if (claimed.claims > settings.maxClaims) {
    const record = await abandon(engine, claimed, settings.maxClaims);
    await settings.queue.releaseLease(name, owner);
    return record;
  }
  // Asked to cancel before it was claimed (a queued run may be claimed for just that, ahead of older runs of
  // its curation): aborted before its first step, so it ends cancelled without starting its query.
  const requested = !signal?.aborted && (await settings.queue.cancelRequests([name])).size > 0;
  const cancel = new AbortController();
  if (requested) cancel.abort('cancel requested');
  const onAbort = () => cancel.abort(signal?.reason);
  // A signal aborted before the call never fires its event.
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  const stopKeeper = new AbortController();
  const lease = { held: true };
  const keeper = keepLease(engine, settings, name, cancel, stopKeeper.signal, lease);
  // The fence before publishing: renewing is the store's atomic "still mine?".
  const holdsLease = async () => {
    const held = (await settings.queue.renewLeases(owner, [name], new Date(engine.clock.now().getTime() + settings.leaseMs))).includes(name);
    if (!held) lease.held = false;
    return held;
  };
  try {
    const record = await executeRun({ ...engine, holdsLease }, name, { signal: cancel.signal, stillHeld: () => lease.held });
    stopKeeper.abort();
    await keeper;
    await settings.queue.releaseLease(name, owner);
    return record;
  } finally {
    stopKeeper.abort();
    signal?.removeEventListener('abort', onAbort);
  }
}

async function keepLease(engine: EngineDeps, s: LeaseSettings, name: string, cancel: AbortController, stop: AbortSignal, lease: { held: boolean }): Promise<void> {
  const { clock, workerId } = engine;
  let renewedAt = clock.now().getTime();
  const renewEvery = Math.max(1, Math.floor(s.leaseMs / 3));
  const step = Math.max(1, Math.min(s.checkMs, renewEvery));
  for (let first = true; !stop.aborted; first = false) {
    try {
      // The first round's look is executeLeased's own, before the run started.
      if (!first && !cancel.signal.aborted && (await s.queue.cancelRequests([name])).size > 0) cancel.abort('cancel requested');
      const now = clock.now().getTime();
      if (!first && now - renewedAt >= renewEvery) {
        const held = await s.queue.renewLeases(workerId, [name], new Date(now + s.leaseMs));
        renewedAt = now;
        // Lapsed and taken: the run stops before its next step (see executeLeased); it is not aborted,
        // which would cancel the run the new holder carries on.
        if (!held.includes(name)) lease.held = false;
      }
    } catch {
      // The next round tries again; a lease that lapses meanwhile is taken over, not corrupted.
    }
    await clock.sleep(step, stop).catch(() => undefined);
  }
}

/** Finishes a run that kept losing its workers, with a cause that says so (through the record step, so alerts follow). */
async function abandon(engine: EngineDeps, claimed: ClaimedRun, maxClaims: number): Promise<HistoryRecord> {
  const error = new StateError(
    `run abandoned: it was started ${claimed.claims - 1} times and each time its worker stopped before it ended` +
      `${claimed.previousOwner ? ` (last: ${claimed.previousOwner})` : ''}; more than ${maxClaims} attempts are not made`,
  );
  const run = claimed.run;
  const failure = failureFor(run.step, error);
  await engine.state.saveRun({ ...run, step: 'record', attempt: 1, updatedAt: engine.clock.now().toISOString(), context: { ...run.context, failure } });
  return executeRun(engine, run.executionName);
}
