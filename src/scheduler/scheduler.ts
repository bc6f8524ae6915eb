import { executionName } from '../domain/naming.js';
import { newRun } from '../engine/create-run.js';
import type { Clock } from '../ports/clock.js';
import type { RunQueue } from '../ports/run-queue.js';
import type { ScheduleStore } from '../ports/schedule-store.js';
import type { StateStore, StoredCuration } from '../ports/state-store.js';
import { curationSchedule, type CurationSchedule } from './curation-schedule.js';
import { DueQueue } from './due-queue.js';
import { decideOverlap } from './overlap.js';
import type { SchedulerEvent } from './scheduler-events.js';
import { skippedRecord } from './skipped-record.js';
import { planTicks } from './tick-plan.js';
import { lastTicks, nextTick } from './ticks.js';

/** What a {@link Scheduler} needs. */
export interface SchedulerDeps {
  readonly state: Pick<StateStore, 'getCuration' | 'listCurations'>;
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
  readonly onEvent?: (event: SchedulerEvent) => void;
  /** Called after runs were queued, so workers can start them at once. */
  readonly onRunsQueued?: () => void;
}

interface Entry {
  schedule: CurationSchedule;
  /** Every tick at or before this was handled (claimed, skipped or passed over). */
  cursorMs: number;
  gen: number;
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
      const wait = Math.max(0, Math.min(pollMs - (now - this.#lastChangeCheck), next - now));
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
    this.#enqueue(type, entry);
  }

  #enqueue(type: string, entry: Entry): void {
    const at = nextTick(entry.schedule, entry.cursorMs);
    if (at !== undefined) this.#due.push({ at, key: type, gen: entry.gen });
    if (this.#due.size > 2 * this.#entries.size + 1024) {
      this.#due.compact((d) => this.#entries.get(d.key)?.gen === d.gen);
    }
  }

  async #fireDue(): Promise<void> {
    let queued = false;
    for (;;) {
      const top = this.#due.peek();
      const now = this.#deps.clock.now().getTime();
      if (!top || top.at > now || this.#stopping) break;
      this.#due.pop();
      const entry = this.#entries.get(top.key);
      if (!entry || entry.gen !== top.gen) continue;
      try {
        queued = (await this.#fire(entry, now)) || queued;
        if (this.#entries.get(top.key) === entry) this.#enqueue(top.key, entry);
      } catch (e) {
        this.#emit({ kind: 'error', curationType: top.key, message: `tick not handled, trying again in ${RETRY_MS} ms: ${(e as Error).message}` });
        // The tick stays unhandled (its cursor did not move), so the retry claims it rather than losing it.
        if (this.#entries.get(top.key) === entry) this.#due.push({ at: now + RETRY_MS, key: top.key, gen: entry.gen });
      }
    }
    if (queued) this.#deps.onRunsQueued?.();
  }

  /** Handles every unhandled tick of one curation up to `now`; true when a run was queued. */
  async #fire(entry: Entry, now: number): Promise<boolean> {
    const s = entry.schedule;
    const { policy } = s;
    const k = (policy.catchUp === 'all' ? policy.maxCatchUp : 1) + 1;
    const recent = lastTicks(s, entry.cursorMs, now, k);
    const plan = planTicks({ ...recent, nowMs: now, graceMs: this.#deps.misfireGraceMs, catchUp: policy.catchUp, maxCatchUp: policy.maxCatchUp });
    const last = recent.ticks.at(-1);
    if (last === undefined) return false;
    const passedTicks = recent.ticks.filter((t) => !plan.run.includes(t));
    if (plan.passed > 0) {
      this.#emit({ kind: 'missed', curationType: s.curationType, count: plan.passed, more: plan.morePassed, latest: new Date(passedTicks.at(-1) ?? last) });
    }
    const queued = plan.run.length > 0 && (await this.#claimAll(s, plan.run, now));
    // Ticks passed over after the last claimed one: move the stored cursor past them too.
    if (plan.run.at(-1) !== last) await this.#deps.schedule.advanceCursor(s.curationType, new Date(last).toISOString());
    entry.cursorMs = last;
    return queued;
  }

  /** Claims `ticks` (ascending); the overlap decision for the first applies to all of them. */
  async #claimAll(s: CurationSchedule, ticks: readonly number[], now: number): Promise<boolean> {
    const { schedule, queue, clock, workerId } = this.#deps;
    const type = s.curationType;
    const decision = decideOverlap(s.policy.overlap, await queue.activeRuns(type), new Date(ticks[0]!).toISOString());
    if (decision.action === 'cancelRunning') {
      for (const name of decision.cancel) {
        await queue.requestCancel(name, decision.reason, clock.now());
        this.#emit({ kind: 'cancelRequested', curationType: type, executionName: name, reason: decision.reason });
      }
    }
    let queued = false;
    for (const tick of ticks) {
      const at = clock.now();
      const scheduledTime = new Date(tick);
      const claim = { curationType: type, scheduledTime: scheduledTime.toISOString(), claimedBy: workerId, claimedAt: at.toISOString() };
      if (decision.action === 'skip') {
        const name = executionName(at, type);
        const skipped = skippedRecord({ curationType: type, executionName: name, scheduledTime, at, reason: decision.reason, engine: this.#deps.engineName });
        if (await schedule.claimTick({ ...claim, outcome: { skipped } })) {
          this.#counts.skipped++;
          this.#emit({ kind: 'skipped', curationType: type, scheduledTime, executionName: name, reason: decision.reason });
        }
        continue;
      }
      const run = newRun({ curationType: type, trigger: 'schedule', scheduledTime }, at);
      if (await schedule.claimTick({ ...claim, outcome: { run } })) {
        queued = true;
        this.#counts.fired++;
        this.#emit({ kind: 'fired', curationType: type, scheduledTime, executionName: run.executionName, lagMs: at.getTime() - tick, catchUp: tick < now - this.#deps.misfireGraceMs });
      }
    }
    return queued;
  }

  #emit(event: SchedulerEvent): void {
    try {
      this.#deps.onEvent?.(event);
    } catch {
      // A broken listener must not stop the schedule.
    }
  }
}
