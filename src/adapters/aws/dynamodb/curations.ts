import type { CurationDefinition } from '../../../domain/curation.js';
import type { StoredCuration } from '../../../ports/state-store.js';
import type { Item } from './dynamo-db.js';
import { txDelete, txPut, txUpdate, type TxItem } from './dynamo-db.js';
import { Expr } from './expression.js';
import { withoutUndefined } from './history-item.js';
import { AGAIN, commit, optimistic, type Tables } from './retry-conflicts.js';
import { ADP_ATTRIBUTE, keys } from './table-layout.js';

// The sample's `curationDetails` table: an item is the definition itself
// (the sample's Lambdas read it as is); adp's bookkeeping sits beside it in
// `adpVersion`, `adpCreatedAt`, `adpUpdatedAt`. An item the sample wrote has
// none of them: it reads as version 0 with both times at the epoch.

/** createdAt/updatedAt of a definition the sample wrote (it kept no times). */
export const SAMPLE_TIME = new Date(0).toISOString();

/**
 * Inserts or replaces a definition: the version goes up by one, createdAt
 * is kept, and the change is logged (for `curationChanges`) in the same
 * transaction.
 */
export async function putCuration(t: Tables, definition: CurationDefinition, now: string): Promise<StoredCuration> {
  return optimistic('putCuration', async () => {
    const current = await t.db.get(t.names.curations, { curationType: definition.curationType });
    const before = current && storedOf(current);
    const version = (before?.version ?? 0) + 1;
    const createdAt = before && before.version > 0 ? before.createdAt : now;
    const item: Item = { ...withoutUndefined(definition), adpVersion: version, adpCreatedAt: createdAt, adpUpdatedAt: now };
    const x = new Expr();
    const put = txPut(t.names.curations, item, unchanged(x, current), x);
    if ((await commit(t.db, [put, ...(await logChange(t, definition.curationType))])) === AGAIN) return AGAIN;
    return storedOf(item);
  });
}

/** One stored curation, or undefined. */
export async function getCuration(t: Tables, curationType: string): Promise<StoredCuration | undefined> {
  const item = await t.db.get(t.names.curations, { curationType });
  return item && storedOf(item);
}

/** Every curation, ordered by curationType. */
export async function listCurations(t: Tables): Promise<StoredCuration[]> {
  const out: StoredCuration[] = [];
  for await (const page of t.db.scan(t.names.curations)) out.push(...page.map(storedOf));
  return out.sort((a, b) => compare(a.definition.curationType, b.definition.curationType));
}

/** True if it existed; the removal is logged with it. */
export async function deleteCuration(t: Tables, curationType: string): Promise<boolean> {
  return optimistic('deleteCuration', async () => {
    const current = await t.db.get(t.names.curations, { curationType });
    if (!current) return false;
    const x = new Expr();
    const del = txDelete(t.names.curations, { curationType }, unchanged(x, current), x);
    return (await commit(t.db, [del, ...(await logChange(t, curationType))])) === AGAIN ? AGAIN : true;
  });
}

/** The definition with adp's attributes stripped (the definition parser refuses unknown fields), and adp's bookkeeping. */
export function storedOf(item: Item): StoredCuration {
  const definition = Object.fromEntries(Object.entries(item).filter(([k]) => !ADP_ATTRIBUTE.test(k))) as unknown as CurationDefinition;
  const version = typeof item.adpVersion === 'number' ? item.adpVersion : 0;
  return {
    definition,
    version,
    createdAt: typeof item.adpCreatedAt === 'string' ? item.adpCreatedAt : SAMPLE_TIME,
    updatedAt: typeof item.adpUpdatedAt === 'string' ? item.adpUpdatedAt : SAMPLE_TIME,
  };
}

/** The change-log writes of one change: the counter moves from what was read to the next number, whose entry names the curation. */
async function logChange(t: Tables, curationType: string): Promise<TxItem[]> {
  const counter = await t.db.get(t.names.state, keys.counter('changes'));
  const seen = typeof counter?.seq === 'number' ? counter.seq : 0;
  const x = new Expr();
  const condition = seen === 0 ? `attribute_not_exists(${x.name('seq')})` : `${x.name('seq')} = ${x.value(seen)}`;
  const update = x.update({ seq: seen + 1 });
  return [
    txUpdate(t.names.state, keys.counter('changes'), update, x, condition),
    txPut(t.names.state, { ...keys.change(seen + 1), seq: seen + 1, curationType }),
  ];
}

/** A condition that the item is still as read: absent, the sample's (no version), or at the version read. */
function unchanged(x: Expr, current: Item | undefined): string {
  if (!current) return `attribute_not_exists(${x.name('curationType')})`;
  if (typeof current.adpVersion !== 'number') return `attribute_exists(${x.name('curationType')}) AND attribute_not_exists(${x.name('adpVersion')})`;
  return `${x.name('adpVersion')} = ${x.value(current.adpVersion)}`;
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
