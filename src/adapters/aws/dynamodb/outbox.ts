import { ValidationError } from '../../../domain/errors.js';
import type { OutboxDraft, OutboxEntry, OutboxState } from '../../../domain/notify/outbox.js';
import type { ClaimRequest, OutboxCounts, OutboxOutcome, OutboxPage, OutboxQuery } from '../../../ports/outbox-store.js';
import type { Item, TxItem } from './dynamo-db.js';
import { MAX_TRANSACTION_ITEMS, txPut, txUpdate } from './dynamo-db.js';
import { Expr } from './expression.js';
import { withoutUndefined } from './history-item.js';
import { AGAIN, commit, optimistic, type Tables } from './retry-conflicts.js';
import { keys, pad, STATE_INDEX } from './table-layout.js';

// Entries are items of the state table (keys.outbox) found through three
// overloaded indexes, all ordered by seq: gsi1 by state (`OUTBOX#<state>`),
// gsi2 every entry (`OUTBOX`), gsi3 one run's (`OUTBOX-RUN#<name>`). A
// destination+curation group is an item of its own (keys.outboxGroup),
// created by its first claim, that holds its lease and its retry hold-back.

/** Claims read the pending index this many entries at a time. */
const CLAIM_PAGE = 100;

const stateIndex = (state: OutboxState) => `OUTBOX#${state}`;
const runIndex = (executionName: string) => `OUTBOX-RUN#${executionName}`;

/**
 * The writes that enqueue `drafts` (ids already queued, or repeated, are
 * left out): the seq counter moves on from the value read, each entry is
 * put only if absent. For the caller's transaction.
 */
export async function enqueueItems(t: Tables, drafts: readonly OutboxDraft[], now: string): Promise<TxItem[]> {
  const firstOf = new Map<string, OutboxDraft>();
  for (const d of drafts) if (!firstOf.has(d.id)) firstOf.set(d.id, d);
  const wanted = [...firstOf.values()];
  if (wanted.length === 0) return [];
  const queued = new Set((await t.db.batchGet(t.names.state, wanted.map((d) => keys.outbox(d.id)))).map((i) => String(i.id)));
  const fresh = wanted.filter((d) => !queued.has(d.id));
  if (fresh.length === 0) return [];
  const counter = await t.db.get(t.names.state, keys.counter('outbox'));
  const seen = typeof counter?.seq === 'number' ? counter.seq : 0;
  const c = new Expr();
  const condition = seen === 0 ? `attribute_not_exists(${c.name('seq')})` : `${c.name('seq')} = ${c.value(seen)}`;
  const items = [txUpdate(t.names.state, keys.counter('outbox'), c.update({ seq: seen + fresh.length }), c, condition)];
  fresh.forEach((draft, i) => {
    const x = new Expr();
    items.push(txPut(t.names.state, entryItem(draft, seen + 1 + i, now), `attribute_not_exists(${x.name('pk')})`, x));
  });
  return items;
}

function entryItem(draft: OutboxDraft, seq: number, now: string): Item {
  const s = pad(seq);
  return withoutUndefined({
    ...keys.outbox(draft.id),
    id: draft.id,
    seq,
    // The id and type only: settings (secrets among them) are looked up in the current config at delivery.
    destinationId: draft.destination.id,
    destinationType: draft.destination.type,
    curationType: draft.curationType,
    executionName: draft.executionName,
    event: draft.event,
    payload: draft.payload,
    state: 'pending',
    attempts: 0,
    nextAttemptAtMs: 0,
    createdAt: now,
    updatedAt: now,
    rev: 1,
    g1pk: stateIndex('pending'),
    g1sk: s,
    g2pk: 'OUTBOX',
    g2sk: s,
    g3pk: draft.executionName === undefined ? undefined : runIndex(draft.executionName),
    g3sk: draft.executionName === undefined ? undefined : s,
  });
}

/**
 * Claims up to `limit` due entries, oldest first, from groups nobody holds
 * and no retry holds back: the groups' leases and the entries' attempts are
 * written in one transaction conditional on all of them being as read, so
 * two dispatchers never both take a group.
 */
export async function claimEntries(t: Tables, request: ClaimRequest): Promise<OutboxEntry[]> {
  const now = request.now.getTime();
  const nowIso = request.now.toISOString();
  return optimistic('claiming outbox entries', async () => {
    const groups = new Map<string, Item | undefined>();
    const chosen: Item[] = [];
    const x = new Expr();
    scan: for await (const page of t.db.query({
      table: t.names.state,
      index: STATE_INDEX.gsi1,
      keyCondition: `${x.name('g1pk')} = ${x.value(stateIndex('pending'))}`,
      expr: x,
      pageSize: CLAIM_PAGE,
    })) {
      const current = await freshEntries(t, page);
      const unknown = [...new Set(current.map(groupPk).filter((g) => !groups.has(g)))];
      const found = await t.db.batchGet(t.names.state, unknown.map((pk) => ({ pk, sk: 'GROUP' })));
      for (const g of unknown) groups.set(g, found.find((f) => f.pk === g));
      for (const entry of current) {
        const group = groups.get(groupPk(entry));
        const free = !group || (Number(group.notBefore ?? 0) <= now && Number(group.leaseUntil ?? 0) <= now);
        if (entry.state !== 'pending' || Number(entry.nextAttemptAtMs) > now || !free) continue;
        chosen.push(entry);
        const groupCount = new Set(chosen.map(groupPk)).size;
        if (chosen.length >= request.limit || chosen.length + groupCount >= MAX_TRANSACTION_ITEMS - 1) break scan;
      }
    }
    if (chosen.length === 0) return [];
    const items: TxItem[] = [];
    for (const pk of new Set(chosen.map(groupPk))) {
      const g = new Expr();
      const lease = { leaseOwner: request.owner, leaseUntil: now + request.leaseMs };
      // A group's item is made by its first claim.
      const update = g.update(groups.get(pk) ? lease : { ...lease, notBefore: 0 });
      const condition = `attribute_not_exists(${g.name('pk')}) OR (${g.name('notBefore')} <= ${g.value(now)} AND ${g.name('leaseUntil')} <= ${g.value(now)})`;
      items.push(txUpdate(t.names.state, { pk, sk: 'GROUP' }, update, g, condition));
    }
    for (const entry of chosen) {
      const e = new Expr();
      const update = e.update({ attempts: Number(entry.attempts) + 1, updatedAt: nowIso, rev: Number(entry.rev) + 1 });
      items.push(txUpdate(t.names.state, { pk: entry.pk, sk: entry.sk }, update, e, `${e.name('rev')} = ${e.value(entry.rev)}`));
    }
    if ((await commit(t.db, items)) === AGAIN) return AGAIN;
    return chosen.map((entry) => entryOf({ ...entry, attempts: Number(entry.attempts) + 1, updatedAt: nowIso }));
  });
}

/**
 * Records how claimed entries ended, then lifts the hold-back of retried
 * groups and frees the groups `owner` holds. Each write is conditional on
 * the entry still pending (a delivered entry stays delivered); a crash
 * between them leaves at worst a group held until its lease ends.
 */
export async function settleEntries(t: Tables, owner: string, outcomes: readonly OutboxOutcome[], now: Date): Promise<void> {
  if (outcomes.length === 0) return;
  const nowIso = now.toISOString();
  const entries = new Map((await t.db.batchGet(t.names.state, outcomes.map((o) => keys.outbox(o.id)))).map((i) => [String(i.id), i]));
  const holdUntil = new Map<string, number>();
  for (const o of outcomes) {
    const entry = entries.get(o.id);
    if (!entry) continue;
    const x = new Expr();
    const pending = `${x.name('state')} = ${x.value('pending')}`;
    const bump = `${x.name('rev')} = ${x.name('rev')} + ${x.value(1)}`;
    let update: string;
    let condition = pending;
    if (o.outcome === 'delivered') {
      update = x.update({ state: 'delivered', deliveredAtMs: now.getTime(), updatedAt: nowIso, g1pk: stateIndex('delivered') }, { remove: ['lastError'], setRaw: [bump] });
    } else if (o.outcome === 'dead') {
      update = x.update({ state: 'dead', lastError: o.error, updatedAt: nowIso, g1pk: stateIndex('dead') }, { setRaw: [bump] });
    } else if (o.outcome === 'retry') {
      update = x.update({ nextAttemptAtMs: o.nextAttemptAt.getTime(), lastError: o.error, updatedAt: nowIso }, { setRaw: [bump] });
      const g = groupPk(entry);
      holdUntil.set(g, Math.max(holdUntil.get(g) ?? 0, o.nextAttemptAt.getTime()));
    } else {
      update = `SET ${x.name('attempts')} = ${x.name('attempts')} - ${x.value(1)}, ${bump}`;
      condition = `${pending} AND ${x.name('attempts')} > ${x.value(0)}`;
    }
    await t.db.update(t.names.state, { pk: entry.pk, sk: entry.sk }, update, x, { condition });
  }
  for (const [pk, at] of holdUntil) {
    const x = new Expr();
    const condition = `attribute_not_exists(${x.name('notBefore')}) OR ${x.name('notBefore')} < ${x.value(at)}`;
    await t.db.update(t.names.state, { pk, sk: 'GROUP' }, x.update({ notBefore: at }), x, { condition });
  }
  for (const pk of new Set([...entries.values()].map(groupPk))) {
    const x = new Expr();
    await t.db.update(t.names.state, { pk, sk: 'GROUP' }, x.update({ leaseUntil: 0 }, { remove: ['leaseOwner'] }), x, {
      condition: `${x.name('leaseOwner')} = ${x.value(owner)}`,
    });
  }
}

/** One entry, or undefined. */
export async function getEntry(t: Tables, id: string): Promise<OutboxEntry | undefined> {
  const item = await t.db.get(t.names.state, keys.outbox(id));
  return item && entryOf(item);
}

/** Newest first, through the index that fits the filters best; `nextCursor` only when more entries exist. */
export async function listEntries(t: Tables, query: OutboxQuery): Promise<OutboxPage> {
  if (!Number.isSafeInteger(query.limit) || query.limit < 1) {
    throw new ValidationError([{ path: 'limit', message: 'must be a whole number of at least 1' }], 'outbox query');
  }
  const below = query.cursor === undefined ? undefined : decodeSeq(query.cursor);
  const x = new Expr();
  const [index, hash, value] =
    query.executionName !== undefined
      ? ([STATE_INDEX.gsi3, 'g3', runIndex(query.executionName)] as const)
      : query.state !== undefined
        ? ([STATE_INDEX.gsi1, 'g1', stateIndex(query.state)] as const)
        : ([STATE_INDEX.gsi2, 'g2', 'OUTBOX'] as const);
  const filters: string[] = [];
  const match = (attribute: string, v: string | undefined) => v !== undefined && filters.push(`${x.name(attribute)} = ${x.value(v)}`);
  if (index !== STATE_INDEX.gsi1) match('state', query.state);
  match('curationType', query.curationType);
  match('destinationId', query.destinationId);
  const range = below === undefined ? '' : ` AND ${x.name(`${hash}sk`)} < ${x.value(pad(below))}`;
  const out: Item[] = [];
  for await (const page of t.db.query({
    table: t.names.state,
    index,
    keyCondition: `${x.name(`${hash}pk`)} = ${x.value(value)}${range}`,
    ...(filters.length > 0 ? { filter: filters.join(' AND ') } : {}),
    expr: x,
    forward: false,
    pageSize: filters.length > 0 ? Math.max(100, query.limit + 1) : query.limit + 1,
  })) {
    out.push(...page);
    if (out.length > query.limit) break;
  }
  const entries = out.slice(0, query.limit).map(entryOf);
  const last = entries.at(-1);
  if (out.length <= query.limit || !last) return { entries };
  return { entries, nextCursor: Buffer.from(String(last.seq)).toString('base64url') };
}

/** Entries by state, for everything or one run. */
export async function countEntries(t: Tables, executionName?: string): Promise<OutboxCounts> {
  const counts = { pending: 0, delivered: 0, dead: 0 };
  if (executionName !== undefined) {
    const x = new Expr();
    const items = await t.db.queryAll({
      table: t.names.state,
      index: STATE_INDEX.gsi3,
      keyCondition: `${x.name('g3pk')} = ${x.value(runIndex(executionName))}`,
      projection: x.name('state'),
      expr: x,
    });
    for (const i of items) counts[i.state as OutboxState]++;
    return counts;
  }
  for (const state of Object.keys(counts) as OutboxState[]) {
    const x = new Expr();
    counts[state] = await t.db.count({ table: t.names.state, index: STATE_INDEX.gsi1, keyCondition: `${x.name('g1pk')} = ${x.value(stateIndex(state))}`, expr: x });
  }
  return counts;
}

/** Dead entries (all, or those in `ids`) become pending with no attempts; returns how many. */
export async function retryDeadEntries(t: Tables, now: Date, ids?: readonly string[]): Promise<number> {
  const targets = ids === undefined ? (await stateItems(t, 'dead')).map((i) => String(i.id)) : [...new Set(ids)];
  let revived = 0;
  for (const id of targets) {
    const x = new Expr();
    const update = x.update(
      { state: 'pending', attempts: 0, nextAttemptAtMs: now.getTime(), updatedAt: now.toISOString(), g1pk: stateIndex('pending') },
      { setRaw: [`${x.name('rev')} = ${x.name('rev')} + ${x.value(1)}`] },
    );
    if ((await t.db.update(t.names.state, keys.outbox(id), update, x, { condition: `${x.name('state')} = ${x.value('dead')}` })).ok) revived++;
  }
  return revived;
}

/** Removes entries delivered before `before`; returns how many. */
export async function pruneEntries(t: Tables, before: Date): Promise<number> {
  let removed = 0;
  for (const item of await stateItems(t, 'delivered')) {
    if (Number(item.deliveredAtMs) >= before.getTime()) continue;
    const x = new Expr();
    if (await t.db.delete(t.names.state, { pk: item.pk, sk: item.sk }, `${x.name('state')} = ${x.value('delivered')}`, x)) removed++;
  }
  return removed;
}

async function stateItems(t: Tables, state: OutboxState): Promise<Item[]> {
  const x = new Expr();
  return t.db.queryAll({ table: t.names.state, index: STATE_INDEX.gsi1, keyCondition: `${x.name('g1pk')} = ${x.value(stateIndex(state))}`, expr: x });
}

/** The entries of an index page as the table holds them now (an index answers a moment late). */
async function freshEntries(t: Tables, page: readonly Item[]): Promise<Item[]> {
  const current = new Map((await t.db.batchGet(t.names.state, page.map((i) => ({ pk: i.pk, sk: i.sk })))).map((i) => [String(i.pk), i]));
  return page.map((i) => current.get(String(i.pk))).filter((i): i is Item => i !== undefined);
}

function groupPk(entry: Item): string {
  return keys.outboxGroup(String(entry.destinationId), String(entry.curationType)).pk;
}

function entryOf(item: Item): OutboxEntry {
  const createdAt = String(item.createdAt);
  const nextMs = Number(item.nextAttemptAtMs ?? 0);
  const entry: Record<string, unknown> = {
    seq: Number(item.seq),
    id: item.id,
    destination: { id: String(item.destinationId), type: item.destinationType },
    curationType: item.curationType,
    event: item.event,
    payload: item.payload,
    state: item.state,
    attempts: Number(item.attempts),
    createdAt,
    updatedAt: String(item.updatedAt),
    // New entries are due at once (nextAttemptAtMs 0): show their creation time instead.
    nextAttemptAt: nextMs > 0 ? new Date(nextMs).toISOString() : createdAt,
  };
  if (item.executionName !== undefined) entry.executionName = item.executionName;
  if (item.deliveredAtMs !== undefined) entry.deliveredAt = new Date(Number(item.deliveredAtMs)).toISOString();
  if (item.lastError !== undefined) entry.lastError = item.lastError;
  return entry as OutboxEntry;
}

function decodeSeq(cursor: string): number {
  const seq = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isSafeInteger(seq) || seq < 1) {
    throw new ValidationError([{ path: 'cursor', message: 'is not a cursor returned by a previous page; start again without it' }], 'outbox query');
  }
  return seq;
}
