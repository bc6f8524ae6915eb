import type { RunAlertPlanner } from '../domain/notify/incidents.js';
import { runAlertPlanner, type AlertPolicy } from '../domain/notify/plan-run-alerts.js';
import { executionName } from '../domain/naming.js';
import { newRun } from '../engine/create-run.js';
import type { RunState } from '../domain/run.js';
import type { Clock } from '../ports/clock.js';
import type { RunQueue } from '../ports/run-queue.js';
import type { ScheduleStore, TickClaim } from '../ports/schedule-store.js';
import type { StateStore, StoredCuration } from '../ports/state-store.js';
import { curationSchedule, type CurationSchedule } from './curation-schedule.js';
import { DueQueue } from './due-queue.js';
import { decideOverlap } from './overlap.js';
import type { SchedulerEvent } from './scheduler-events.js';
import { skippedRecord } from './skipped-record.js';
import { planTicks } from './tick-plan.js';
import { lastTicks, nextTick } from './ticks.js';
import { dependsOnWaitMs } from '../domain/depends-on.js';
import { upstreamReadiness } from './upstream-gate.js';

/** What a {@link Scheduler} needs. */
export interface SchedulerDeps {
  readonly state: Pick<StateStore, 'getCuration' | 'listCurations' | 'listHistory'>;
  readonly schedule: ScheduleStore;
  readonly queue: Pick<RunQueue, 'activeRuns' | 'requestCancel'>;
  readonly clock: Clock;
  /** Recorded on every tick claim. */
  readonly workerId: string;
  /** Written as `engine` in the records of skipped ticks. */
  readonly engineName: string;
  /** A tick found later than this counts as missed (see `catchUp`). */
  readonly misfireGraceMs: number;
  /** Longest pause between looks for definition changes. */
  readonly pollMs: number;
  /** Shortest pause between rounds, so ticks due close together are claimed in one transaction; default 50. */
  readonly batchMs?: number;
  readonly onEvent?: (event: SchedulerEvent) => void;
  /** Routes the notifications of skipped-tick records, as run records are routed. */
  readonly alerts?: AlertPolicy;
  /** Called after runs were queued, so workers can start them at once. */
  readonly onRunsQueued?: () => void;
}

interface Entry {
  schedule: CurationSchedule;
  /** Every tick at or before this was handled (claimed, skipped or passed over). */
  cursorMs: number;
  gen: number;
  /** A tick held for its upstreams (`dependsOn`): not claimed yet, looked at again from `recheckAtMs`. */
  waiting?: { readonly tick: number; readonly recheckAtMs: number };
}

const PRUNE_EVERY_MS = 3_600_000;
const RETRY_MS = 1_000;
const KEEP_CLAIMS_MS = 24 * 3_600_000;

/**
 * Fires every enabled curation's ticks, each exactly once across restarts and
 * processes: a tick is claimed in the store, together with its run, before
 * anything else happens. Due times sit in a min-heap, so a poll touches only
 * the curations that are due; definition changes arrive through the store's
 * change log and take effect at the next poll.
 *
 * @example
 * const scheduler = new Scheduler({ state, schedule: store.scheduling, queue: store.scheduling, clock, workerId, engineName: 'duckdb', misfireGraceMs: 5000, pollMs: 500 });
 * scheduler.start();
 * // later
 * await scheduler.stop();
 */
export class Scheduler {
  readonly #deps: SchedulerDeps;
  readonly #entries = new Map<string, Entry>();
  readonly #due = new DueQueue();
  #gen = 0;
  #changeSeq = 0;
  #loaded = false;
  #lastChangeCheck = -Infinity;
  #lastPrune = -Infinity;
  #loop: Promise<void> | undefined;
  #wake = new AbortController();
  #stopping = false;
  #counts = { fired: 0, skipped: 0 };

  constructor(deps: SchedulerDeps) {
    this.#deps = deps;
  }

  /** How many curations are scheduled, and how many ticks fired or were skipped so far. */
  stats(): { scheduled: number; fired: number; skipped: number } {
    return { scheduled: this.#entries.size, ...this.#counts };
  }

  /** The next tick of `curationType` as this scheduler has it (undefined when disabled, unknown or ended). */
  nextDue(curationType: string): Date | undefined {
    const e = this.#entries.get(curationType);
    if (!e) return undefined;
    const at = nextTick(e.schedule, e.cursorMs);
    return at === undefined ? undefined : new Date(at);
  }

  /** Starts polling in the background; {@link stop} ends it. */
  start(): void {
    this.#loop ??= this.#run();
  }

  /** Looks for definition changes now instead of at the next poll (another process changed one). */
  notify(): void {
    this.#lastChangeCheck = -Infinity;
    this.#wake.abort();
  }

  /** Stops claiming ticks; resolves when the current poll has finished. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake.abort();
    await this.#loop;
  }

  /**
   * One round: loads everything the first time (catching up on ticks missed
   * while nothing ran), applies definition changes, fires due ticks.
   * The background loop calls this; tests on a fake clock call it directly.
   */
  async poll(): Promise<void> {
    const now = this.#deps.clock.now().getTime();
    if (!this.#loaded) await this.#load();
    else if (now - this.#lastChangeCheck >= this.#deps.pollMs) await this.#applyChanges(now);
    await this.#fireDue();
    if (now - this.#lastPrune >= PRUNE_EVERY_MS) {
      this.#lastPrune = now;
      await this.#deps.schedule.pruneSchedule(new Date(now - KEEP_CLAIMS_MS).toISOString());
    }
  }

  async #run(): Promise<void> {
    const { clock, pollMs } = this.#deps;
    while (!this.#stopping) {
      try {
        await this.poll();
      } catch (e) {
        this.#emit({ kind: 'error', message: `scheduler poll failed: ${(e as Error).message}` });
      }
      if (this.#stopping) break;
      const now = clock.now().getTime();
      const next = this.#due.peek()?.at ?? Infinity;
      const wait = Math.max(this.#deps.batchMs ?? 50, Math.min(pollMs - (now - this.#lastChangeCheck), next - now));
      if (this.#wake.signal.aborted) this.#wake = new AbortController();
      await clock.sleep(wait, this.#wake.signal).catch(() => undefined);
    }
  }

  async #load(): Promise<void> {
    const { schedule, state, clock } = this.#deps;
    this.#changeSeq = (await schedule.curationChanges(Number.MAX_SAFE_INTEGER)).seq;
    const cursors = new Map((await schedule.listCursors()).map((c) => [c.curationType, Date.parse(c.lastTick)]));
    for (const stored of await state.listCurations()) this.#put(stored, cursors.get(stored.definition.curationType), undefined);
    this.#loaded = true;
    this.#lastChangeCheck = clock.now().getTime();
  }

  async #applyChanges(now: number): Promise<void> {
    const { schedule, state } = this.#deps;
    this.#lastChangeCheck = now;
    const changes = await schedule.curationChanges(this.#changeSeq);
    if (changes.curationTypes.length === 0) return;
    this.#changeSeq = changes.seq;
    if (changes.curationTypes === 'all') {
      const all = await state.listCurations();
      const seen = new Set(all.map((c) => c.definition.curationType));
      for (const type of [...this.#entries.keys()]) if (!seen.has(type)) this.#entries.delete(type);
      for (const stored of all) this.#put(stored, undefined, now);
      return;
    }
    for (const type of changes.curationTypes) {
      const stored = await state.getCuration(type);
      if (stored) this.#put(stored, undefined, now);
      else this.#entries.delete(type);
    }
  }

  /**
   * Adds or updates one curation. At load, its cursor is the stored one (or its
   * creation), so ticks missed while nothing ran are caught up. A change seen
   * live that moves the schedule starts it afresh from now, so editing a
   * definition never replays old ticks.
   */
  #put(stored: StoredCuration, storedCursor: number | undefined, liveNow: number | undefined): void {
    const type = stored.definition.curationType;
    let schedule: CurationSchedule;
    try {
      schedule = curationSchedule(stored);
    } catch (e) {
      this.#entries.delete(type);
      this.#emit({ kind: 'error', curationType: type, message: `not scheduled: ${(e as Error).message}` });
      return;
    }
    const previous = this.#entries.get(type);
    if (!schedule.policy.enabled) {
      this.#entries.delete(type);
      return;
    }
    let cursorMs: number;
    if (previous && previous.schedule.timingKey === schedule.timingKey) cursorMs = previous.cursorMs;
    else cursorMs = Math.max(storedCursor ?? -Infinity, schedule.notBeforeMs, liveNow === undefined ? -Infinity : liveNow - this.#deps.misfireGraceMs);
    const entry: Entry = { schedule, cursorMs, gen: ++this.#gen };
    this.#entries.set(type, entry);
    try {
      this.#enqueue(type, entry);
    } catch (e) {
      this.#entries.delete(type);
      this.#emit({ kind: 'error', curationType: type, message: `not scheduled: ${(e as Error).message}` });
    }
  }

  #enqueue(type: string, entry: Entry): void {
    const next = nextTick(entry.schedule, entry.cursorMs);
    const at = next === undefined || entry.waiting === undefined ? next : Math.max(next, entry.waiting.recheckAtMs);
    if (at !== undefined) this.#due.push({ at, key: type, gen: entry.gen });
    if (this.#due.size > 2 * this.#entries.size + 1024) {
      this.#due.compact((d) => this.#entries.get(d.key)?.gen === d.gen);
    }
  }

  /** Handles every due curation in one batch: one read of active runs, one claim transaction. */
  async #fireDue(): Promise<void> {
    const now = this.#deps.clock.now().getTime();
    const due = new Map<string, Entry>();
    for (let top = this.#due.peek(); top && top.at <= now && !this.#stopping; top = this.#due.peek()) {
      this.#due.pop();
      const entry = this.#entries.get(top.key);
      if (entry && entry.gen === top.gen) due.set(top.key, entry);
    }
    if (due.size === 0) return;
    try {
      const queued = await this.#fireBatch([...due.values()], now);
      for (const [type, entry] of due) if (this.#entries.get(type) === entry) this.#enqueue(type, entry);
      if (queued) this.#deps.onRunsQueued?.();
    } catch (e) {
      this.#emit({ kind: 'error', message: `${due.size} due tick(s) not handled, trying again in ${RETRY_MS} ms: ${(e as Error).message}` });
      // Their cursors did not move, so the retry claims the same ticks rather than losing them.
      for (const [type, entry] of due) {
        if (this.#entries.get(type) === entry) this.#due.push({ at: now + RETRY_MS, key: type, gen: entry.gen });
      }
    }
  }

  /** Plans, decides overlap for and claims the unhandled ticks of `entries` up to `now`; true when a run was queued. */
  async #fireBatch(entries: readonly Entry[], now: number): Promise<boolean> {
    const { schedule, queue, clock, misfireGraceMs } = this.#deps;
    const planned = await mapInOrder(entries, async (entry) => {
      const { policy } = entry.schedule;
      const recent = lastTicks(entry.schedule, entry.cursorMs, now, (policy.catchUp === 'all' ? policy.maxCatchUp : 1) + 1);
      // A tick waiting for its upstreams is on time until its wait ends (after a restart too).
      const graceMs = misfireGraceMs + (entry.schedule.definition.dependsOn ? dependsOnWaitMs(entry.schedule.definition) : 0);
      const plan = planTicks({ ...recent, nowMs: now, graceMs, catchUp: policy.catchUp, maxCatchUp: policy.maxCatchUp });
      return { entry, recent, plan, gate: await this.#gate(entry, plan.run, now) };
    });
    const running = planned.filter((p) => p.gate.ticks.some((t) => t.skip === undefined)).map((p) => p.entry.schedule.curationType);
    const active = new Map<string, RunState[]>();
    for (const r of await queue.activeRuns(running)) active.set(r.curationType, [...(active.get(r.curationType) ?? []), r]);
    const at = clock.now();
    const claims: { claim: TickClaim; event: SchedulerEvent }[] = [];
    for (const { entry, recent, plan, gate } of planned) {
      const s = entry.schedule;
      const type = s.curationType;
      const last = recent.ticks.at(-1);
      if (plan.passed > 0) {
        const latest = recent.ticks.filter((t) => !plan.run.includes(t)).at(-1) ?? last ?? now;
        this.#emit({ kind: 'missed', curationType: type, count: plan.passed, more: plan.morePassed, latest: new Date(latest) });
      }
      const firstRun = gate.ticks.find((t) => t.skip === undefined)?.tick;
      if (firstRun !== undefined) {
        // The decision for the first tick holds for the batch: catch-up runs queue behind each other.
        const decision = decideOverlap(s.policy.overlap, active.get(type) ?? [], new Date(firstRun).toISOString());
        if (decision.action === 'cancelRunning') {
          for (const name of decision.cancel) {
            await queue.requestCancel(name, decision.reason, at);
            this.#emit({ kind: 'cancelRequested', curationType: type, executionName: name, reason: decision.reason });
          }
        }
        const overlapSkip = decision.action === 'skip' ? { reason: decision.reason, kind: 'overlap' as const } : undefined;
        for (const t of gate.ticks) claims.push(this.#claimFor(type, t.tick, t.skip !== undefined ? { reason: t.skip, kind: 'dependency' } : overlapSkip, at, now));
      } else for (const t of gate.ticks) claims.push(this.#claimFor(type, t.tick, { reason: t.skip!, kind: 'dependency' }, at, now));
      // Ticks passed over after the last claimed one (and before a tick held for its upstreams): move the stored cursor past them too.
      const handled = handledUpTo(recent.ticks, gate.held);
      if (handled !== undefined && handled > (gate.ticks.at(-1)?.tick ?? -Infinity)) await schedule.advanceCursor(type, new Date(handled).toISOString());
    }
    const won = await schedule.claimTicks(claims.map((c) => c.claim), this.#skippedAlerts());
    let queued = false;
    claims.forEach(({ event }, i) => {
      if (!won[i]) return;
      if (event.kind === 'fired') {
        queued = true;
        this.#counts.fired++;
      } else this.#counts.skipped++;
      this.#emit(event);
    });
    for (const { entry, recent, gate } of planned) {
      const handled = handledUpTo(recent.ticks, gate.held);
      if (handled !== undefined) entry.cursorMs = Math.max(entry.cursorMs, handled);
    }
    return queued;
  }

  /** The claim of one tick: a queued run, or (when `skipReason`) a `skipped` record. */
  /** Each skipped record is routed with its own curation's definition. */
  #skippedAlerts(): RunAlertPlanner | undefined {
    const policy = this.#deps.alerts;
    if (!policy) return undefined;
    return (record, incidents) => runAlertPlanner(policy, this.#entries.get(record.curationType)?.schedule.definition)(record, incidents);
  }

  #claimFor(type: string, tick: number, skip: { reason: string; kind: 'overlap' | 'dependency' } | undefined, at: Date, now: number): { claim: TickClaim; event: SchedulerEvent } {
    const scheduledTime = new Date(tick);
    const base = { curationType: type, scheduledTime: scheduledTime.toISOString(), claimedBy: this.#deps.workerId, claimedAt: at.toISOString() };
    if (skip !== undefined) {
      const name = executionName(at, type);
      const skipped = skippedRecord({ curationType: type, executionName: name, scheduledTime, at, reason: skip.reason, engine: this.#deps.engineName, cause: skip.kind });
      return { claim: { ...base, outcome: { skipped } }, event: { kind: 'skipped', curationType: type, scheduledTime, executionName: name, reason: skip.reason } };
    }
    const run = newRun({ curationType: type, trigger: 'schedule', scheduledTime }, at);
    const catchUp = tick < now - this.#deps.misfireGraceMs;
    return {
      claim: { ...base, outcome: { run } },
      event: { kind: 'fired', curationType: type, scheduledTime, executionName: run.executionName, lagMs: at.getTime() - tick, catchUp },
    };
  }

  /**
   * Splits a curation's planned ticks by its upstreams (`dependsOn`), oldest
   * first: ticks whose upstreams all succeeded run, ticks one of whose
   * upstreams will not succeed (or whose wait ended) are skipped, and the
   * first tick still waiting is held with every later one: nothing of it is
   * stored, so after a restart, or in another process, it is decided again
   * from the same records.
   */
  async #gate(entry: Entry, ticks: readonly number[], now: number): Promise<GatedTicks> {
    const def = entry.schedule.definition;
    if (!def.dependsOn || ticks.length === 0) {
      if (ticks.length > 0) entry.waiting = undefined;
      return { ticks: ticks.map((tick) => ({ tick })) };
    }
    const waitMs = dependsOnWaitMs(def);
    const decided: { tick: number; skip?: string }[] = [];
    for (const tick of ticks) {
      const ready = await upstreamReadiness(this.#deps, def.dependsOn, new Date(tick).toISOString(), tick + waitMs, now, waitMs / 1000);
      if (ready.kind === 'ready') decided.push({ tick });
      else if (ready.kind === 'skip') decided.push({ tick, skip: ready.reason });
      else {
        if (entry.waiting?.tick !== tick) {
          this.#emit({ kind: 'waiting', curationType: def.curationType, scheduledTime: new Date(tick), upstreams: ready.pending, until: new Date(tick + waitMs) });
        }
        // Claims of one curation go in ascending order: every later tick waits behind this one.
        entry.waiting = { tick, recheckAtMs: Math.min(now + this.#deps.pollMs, tick + waitMs) };
        return { ticks: decided, held: tick };
      }
    }
    entry.waiting = undefined;
    return { ticks: decided };
  }

  #emit(event: SchedulerEvent): void {
    try {
      this.#deps.onEvent?.(event);
    } catch {
      // A broken listener must not stop the schedule.
    }
  }
}

/** A curation's planned ticks after {@link Scheduler} looked at their upstreams. */
interface GatedTicks {
  /** Ascending: to claim, each with its run unless `skip` (the reason its `skipped` record gives). */
  readonly ticks: readonly { readonly tick: number; readonly skip?: string }[];
  /** The first tick still waiting for its upstreams; it and every later tick stay unclaimed. */
  readonly held?: number;
}

/** The latest of `ticks` that is handled now: all of them, or those before the held one. */
function handledUpTo(ticks: readonly number[], held: number | undefined): number | undefined {
  return held === undefined ? ticks.at(-1) : ticks.filter((t) => t < held).at(-1);
}

/** `f` over `items`, one after the other. */
async function mapInOrder<T, R>(items: readonly T[], f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await f(item));
  return out;
}
