import type { RunState } from '../../../domain/run.js';
import type { ClaimedRun, LeaseRequest } from '../../../ports/run-queue.js';
import type { Item } from './dynamo-db.js';
import { txUpdate } from './dynamo-db.js';
import { Expr } from './expression.js';
import { lostRace, type Tables } from './retry-conflicts.js';
import { finishedOf, leaseLive, runOf } from './run-item.js';
import { activeRunItems } from './runs.js';
import { ACTIVE_RUNS, keys, STATE_INDEX } from './table-layout.js';

// Leases live on the run's item (leaseHolder, leaseUntilMs, claims,
// previousOwner), taken by a conditional update that re-checks expiry, so
// two workers never both hold a live lease on one run. The global cap
// (maxActive) is a set of slot items SLOT/0…maxActive-1: a capped claim
// takes a free slot and the lease in one transaction, so at most maxActive
// capped claims hold live leases. Unlike PostgreSQL, leases taken without a
// cap (a run driven in the foreground) hold no slot and do not count.

/** How many candidates a claim tries after losing each to a concurrent claimer. */
const LOST_RACES = 5;

/** Claims the oldest claimable run (or the one named); see RunQueue.claimNextRun. */
export async function claimRun(t: Tables, req: LeaseRequest, executionName?: string): Promise<ClaimedRun | undefined> {
  const slots = req.maxActive === undefined ? undefined : await freeSlots(t, req.maxActive, req.now.getTime());
  if (slots && slots.length === 0) return undefined;
  const candidates = executionName === undefined ? claimOrder(t, req.now.getTime()) : named(t, executionName, req.now.getTime());
  let lost = 0;
  for await (const candidate of candidates) {
    const claimed = slots ? await takeWithSlot(t, req, candidate, slots) : await take(t, req, String(candidate.pk));
    if (claimed) return claimed;
    if (executionName !== undefined || ++lost >= LOST_RACES) return undefined;
  }
  return undefined;
}

async function* named(t: Tables, executionName: string, nowMs: number): AsyncGenerator<Item> {
  const item = await t.db.get(t.names.state, keys.run(executionName));
  // First in line too: a run claimed by name (adp run --wait) must not overtake an older run of its curation,
  // unless it is asked to cancel (its claimant ends it without starting its query).
  if (!item || !claimable(item, nowMs)) return;
  if (item.trigger === 'backfill' || !(await waitsBehind(t, item)) || (await t.db.get(t.names.state, keys.cancel(executionName)))) yield item;
}

/** True when an older active run (not a backfill) of the item's curation exists. */
async function waitsBehind(t: Tables, item: Item): Promise<boolean> {
  const x = new Expr();
  const older = await t.db.queryAll({
    table: t.names.state,
    index: STATE_INDEX.gsi1,
    keyCondition: `${x.name('g1pk')} = ${x.value(ACTIVE_RUNS)} AND ${x.name('g1sk')} < ${x.value(item.g1sk)}`,
    filter: `${x.name('curationType')} = ${x.value(item.curationType)} AND ${x.name('trigger')} <> ${x.value('backfill')} AND attribute_not_exists(${x.name('finished')})`,
    projection: x.name('pk'),
    expr: x,
  });
  return older.length > 0;
}

/**
 * Active runs in claim order (oldest first) that look claimable in the
 * index: unleased, unfinished, and not waiting behind an older active run of
 * their curation (backfills neither wait nor block; a run asked to cancel
 * does not wait, though it still blocks the runs after it). The claim itself
 * re-checks everything on the item.
 */
async function* claimOrder(t: Tables, nowMs: number): AsyncGenerator<Item> {
  const blocked = new Set<string>();
  const x = new Expr();
  for await (const page of t.db.query({
    table: t.names.state,
    index: STATE_INDEX.gsi1,
    keyCondition: `${x.name('g1pk')} = ${x.value(ACTIVE_RUNS)}`,
    expr: x,
    pageSize: 100,
  })) {
    // The page's candidates in order; those waiting behind an older run go ahead only if asked to cancel.
    const candidates: { item: Item; waits: boolean }[] = [];
    for (const item of page) {
      if (finishedOf(item)) continue;
      const curation = String(item.curationType);
      const backfill = item.trigger === 'backfill';
      const waits = !backfill && blocked.has(curation);
      if (!backfill) blocked.add(curation);
      if (claimable(item, nowMs)) candidates.push({ item, waits });
    }
    const waiting = candidates.filter((c) => c.waits).map((c) => runOf(c.item)!.executionName);
    const cancelling = waiting.length === 0 ? new Map<string, string>() : await cancelRequests(t, waiting);
    for (const { item, waits } of candidates) if (!waits || cancelling.has(runOf(item)!.executionName)) yield item;
  }
}

function claimable(item: Item, nowMs: number): boolean {
  return runOf(item) !== undefined && !finishedOf(item) && (item.status === 'queued' || item.status === 'running') && !leaseLive(item, nowMs);
}

/** The condition a lease is taken on: a run, unfinished, queued or running, with no live lease. */
function takeCondition(x: Expr, nowMs: number): string {
  const status = x.name('status');
  return (
    `attribute_exists(${x.name('run')}) AND attribute_not_exists(${x.name('finished')}) AND ${status} IN (${x.value('queued')}, ${x.value('running')})` +
    ` AND (attribute_not_exists(${x.name('leaseUntilMs')}) OR ${x.name('leaseUntilMs')} <= ${x.value(nowMs)})`
  );
}

function takeUpdate(x: Expr, req: LeaseRequest, slot?: number): string {
  const set = [
    `${x.name('claims')} = if_not_exists(${x.name('claims')}, ${x.value(0)}) + ${x.value(1)}`,
    `${x.name('previousOwner')} = if_not_exists(${x.name('leaseHolder')}, ${x.value(null)})`,
    `${x.name('rev')} = ${x.name('rev')} + ${x.value(1)}`,
  ];
  return x.update({ leaseHolder: req.owner, leaseUntilMs: req.leaseUntil.getTime(), slot }, { setRaw: set });
}

async function take(t: Tables, req: LeaseRequest, pk: string): Promise<ClaimedRun | undefined> {
  const x = new Expr();
  const { ok, attributes } = await t.db.update(t.names.state, { pk, sk: 'RUN' }, takeUpdate(x, req), x, {
    condition: takeCondition(x, req.now.getTime()),
    returnValues: 'ALL_NEW',
  });
  return ok && attributes ? claimedOf(attributes) : undefined;
}

/** A capped claim: the lease and a free slot in one transaction, on the run as just read. */
async function takeWithSlot(t: Tables, req: LeaseRequest, candidate: Item, slots: number[]): Promise<ClaimedRun | undefined> {
  const item = await t.db.get(t.names.state, { pk: candidate.pk, sk: 'RUN' });
  const slot = slots[0];
  if (!item || slot === undefined || !claimable(item, req.now.getTime())) return undefined;
  const name = (runOf(item) as RunState).executionName;
  const s = new Expr();
  const slotFree = `attribute_not_exists(${s.name('pk')}) OR ${s.name('untilMs')} <= ${s.value(req.now.getTime())}`;
  const x = new Expr();
  const condition = `${takeCondition(x, req.now.getTime())} AND ${x.name('rev')} = ${x.value(item.rev)}`;
  const cancelled = await t.db.transact([
    txUpdate(t.names.state, keys.leaseSlot(slot), s.update({ holder: name, owner: req.owner, untilMs: req.leaseUntil.getTime() }), s, slotFree),
    txUpdate(t.names.state, { pk: item.pk, sk: 'RUN' }, takeUpdate(x, req, slot), x, condition),
  ]);
  if (cancelled) {
    lostRace(cancelled, 2);
    // The slot went to someone else: the next candidate tries the next one.
    if (cancelled[0] !== 'None') slots.shift();
    return undefined;
  }
  slots.shift();
  return claimedOf({
    ...item,
    claims: Number(item.claims ?? 0) + 1,
    previousOwner: typeof item.leaseHolder === 'string' ? item.leaseHolder : null,
  });
}

/** Slots 0…maxActive-1 nobody holds a live lease in, lowest first. */
async function freeSlots(t: Tables, maxActive: number, nowMs: number): Promise<number[]> {
  const n = Math.max(0, Math.floor(maxActive));
  const all = Array.from({ length: n }, (_, i) => i);
  const held = await t.db.batchGet(t.names.state, all.map((i) => keys.leaseSlot(i)));
  const live = new Set(held.filter((s) => Number(s.untilMs) > nowMs).map((s) => String(s.sk)));
  return all.filter((i) => !live.has(keys.leaseSlot(i).sk));
}

function claimedOf(item: Item): ClaimedRun {
  const result: ClaimedRun = { run: runOf(item)!, claims: Number(item.claims ?? 1) };
  return typeof item.previousOwner === 'string' ? { ...result, previousOwner: item.previousOwner } : result;
}

/** Extends the leases `owner` holds on `names` (and their slots); returns the names still held. */
export async function renewLeases(t: Tables, owner: string, names: readonly string[], leaseUntil: Date): Promise<string[]> {
  const held: string[] = [];
  for (const name of new Set(names)) {
    const x = new Expr();
    const { ok, attributes } = await t.db.update(t.names.state, keys.run(name), x.update({ leaseUntilMs: leaseUntil.getTime() }), x, {
      condition: `${x.name('leaseHolder')} = ${x.value(owner)}`,
      returnValues: 'ALL_NEW',
    });
    if (!ok) continue;
    held.push(name);
    if (typeof attributes?.slot === 'number') await setSlot(t, attributes.slot, name, owner, leaseUntil.getTime());
  }
  return held;
}

/** Expires `owner`'s lease at once (the claim count stays for the next claimer) and frees its slot. */
export async function releaseLease(t: Tables, executionName: string, owner: string): Promise<void> {
  const x = new Expr();
  const { ok, attributes } = await t.db.update(t.names.state, keys.run(executionName), x.update({ leaseUntilMs: 0 }), x, {
    condition: `${x.name('leaseHolder')} = ${x.value(owner)}`,
    returnValues: 'ALL_NEW',
  });
  if (ok && typeof attributes?.slot === 'number') await setSlot(t, attributes.slot, executionName, owner, 0);
}

async function setSlot(t: Tables, slot: number, holder: string, owner: string, untilMs: number): Promise<void> {
  const x = new Expr();
  await t.db.update(t.names.state, keys.leaseSlot(slot), x.update({ untilMs }), x, {
    condition: `${x.name('holder')} = ${x.value(holder)} AND ${x.name('owner')} = ${x.value(owner)}`,
  });
}

/** Active runs (queued or running, no terminal record) of the curations, oldest first. */
export async function activeRuns(t: Tables, curationTypes: readonly string[]): Promise<RunState[]> {
  if (curationTypes.length === 0) return [];
  return (await activeRunItems(t, new Set(curationTypes))).filter((i) => !finishedOf(i)).map((i) => runOf(i)!);
}

/** Records a cancel request; the first reason stays. */
export async function requestCancel(t: Tables, executionName: string, reason: string, now: Date): Promise<void> {
  const x = new Expr();
  await t.db.put(t.names.state, { ...keys.cancel(executionName), reason, requestedAt: now.toISOString() }, `attribute_not_exists(${x.name('pk')})`, x);
}

/** The cancel requests among `names`, name → reason. */
export async function cancelRequests(t: Tables, names: readonly string[]): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const found = await t.db.batchGet(t.names.state, [...new Set(names)].map((n) => keys.cancel(n)));
  const byPk = new Map(found.map((i) => [String(i.pk), String(i.reason)]));
  return new Map(names.filter((n) => byPk.has(keys.cancel(n).pk)).map((n) => [n, byPk.get(keys.cancel(n).pk)!]));
}

/** Gives runs whose terminal record exists their record's status and expires their leases and slots; returns how many runs. */
export async function repairFinishedRuns(t: Tables): Promise<number> {
  let fixed = 0;
  for (const item of await activeRunItems(t)) {
    const marker = finishedOf(item);
    if (!marker) continue;
    const x = new Expr();
    const update = x.update(
      { status: marker.status, leaseUntilMs: 0, rev: Number(item.rev ?? 0) + 1 },
      { setRaw: [`${x.name('run')}.${x.name('status')} = ${x.value(marker.status)}`], remove: ['g1pk', 'g1sk'] },
    );
    if ((await t.db.update(t.names.state, { pk: item.pk, sk: item.sk }, update, x, { condition: `${x.name('rev')} = ${x.value(item.rev)}` })).ok) fixed++;
  }
  const x = new Expr();
  const slots = await t.db.queryAll({ table: t.names.state, keyCondition: `${x.name('pk')} = ${x.value('SLOT')}`, expr: x });
  const live = slots.filter((s) => Number(s.untilMs) > 0);
  const holders = await t.db.batchGet(t.names.state, live.map((s) => keys.run(String(s.holder))));
  for (const run of holders.filter((h) => finishedOf(h))) {
    const name = String(run.pk).slice('RUN#'.length);
    for (const slot of live.filter((s) => s.holder === name)) await setSlot(t, Number(slot.sk), name, String(slot.owner), 0);
  }
  return fixed;
}
