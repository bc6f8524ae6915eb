import type { AlertPlan, Incident, IncidentKey } from '../../../domain/notify/incidents.js';
import type { Item, TxItem } from './dynamo-db.js';
import { txDelete, txPut, txUpdate } from './dynamo-db.js';
import { Expr } from './expression.js';
import { enqueueItems } from './outbox.js';
import type { Tables } from './retry-conflicts.js';
import { keys } from './table-layout.js';

// Planners read incidents and write them back, so two planners must not act
// on the same incidents at once. PostgreSQL takes locks; here every planner
// reads the version item of each curation it may touch before the
// incidents, and its transaction bumps those versions on the condition that
// they are still as read: a planner that lost the race is cancelled and
// plans again. A run's planner touches one curation, so runs of different
// curations finish side by side; applyAlerts touches every curation it saw
// or writes, plus `ALL`, which keeps two of them apart.

/** The version item that serialises applyAlerts calls (not a curation: `*` is no curationType character). */
const ALL = '*';

/** Incidents as read, with the versions they were read at (undefined: no version item yet). */
export interface IncidentSnapshot {
  readonly incidents: Incident[];
  readonly versions: Map<string, number | undefined>;
}

/** The open incidents of one curation (or all), oldest first, with the versions that guard them. */
export async function readIncidents(t: Tables, curationType?: string): Promise<IncidentSnapshot> {
  const versions = new Map<string, number | undefined>();
  // Versions first: an incident written after this read bumps a version, so the write that relies on it fails.
  if (curationType === undefined) {
    versions.set(ALL, undefined);
    for (const v of await queryPrefix(t, 'V#')) versions.set(String(v.curationType), Number(v.version));
  } else {
    const v = await t.db.get(t.names.state, keys.incidentVersion(curationType));
    versions.set(curationType, v === undefined ? undefined : Number(v.version));
  }
  const items = await queryPrefix(t, curationType === undefined ? 'I#' : `I#${curationType}#`);
  const incidents = items.map(incidentOf).sort(oldestFirst);
  for (const i of incidents) if (!versions.has(i.curationType)) versions.set(i.curationType, undefined);
  return { incidents, versions };
}

/** Open incidents, oldest first; only one curation's when given. */
export async function listIncidents(t: Tables, curationType?: string): Promise<Incident[]> {
  return (await queryPrefix(t, curationType === undefined ? 'I#' : `I#${curationType}#`)).map(incidentOf).sort(oldestFirst);
}

/**
 * The writes of a plan, for the caller's transaction: its outbox entries
 * (ids already queued are left out), incidents written or closed (the last
 * write of a key wins, as if applied one by one), and the version bumps
 * that make the whole conditional on `snapshot` still being current.
 */
export async function planItems(t: Tables, plan: AlertPlan, snapshot: IncidentSnapshot, now: string): Promise<TxItem[]> {
  const items = await enqueueItems(t, plan.entries, now);
  const final = new Map<string, { key: IncidentKey; upsert?: Incident }>();
  for (const key of plan.close) final.set(incidentSk(key), { key });
  for (const incident of plan.upsert) final.set(incidentSk(incident), { key: incident, upsert: incident });
  const touched = new Map(snapshot.versions);
  for (const { key } of final.values()) if (!touched.has(key.curationType)) touched.set(key.curationType, undefined);
  for (const [curationType, seen] of touched) {
    const x = new Expr();
    const condition = seen === undefined ? `attribute_not_exists(${x.name('version')})` : `${x.name('version')} = ${x.value(seen)}`;
    items.push(txUpdate(t.names.state, keys.incidentVersion(curationType), x.update({ version: (seen ?? 0) + 1, curationType }), x, condition));
  }
  for (const { key, upsert } of final.values()) {
    const k = keys.incident(key.curationType, key.kind, key.subject);
    items.push(upsert ? txPut(t.names.state, { ...k, ...upsert }) : txDelete(t.names.state, k));
  }
  return items;
}

async function queryPrefix(t: Tables, prefix: string): Promise<Item[]> {
  const x = new Expr();
  return t.db.queryAll({
    table: t.names.state,
    keyCondition: `${x.name('pk')} = ${x.value('INCIDENT')} AND begins_with(${x.name('sk')}, ${x.value(prefix)})`,
    expr: x,
  });
}

function incidentSk(key: IncidentKey): string {
  return keys.incident(key.curationType, key.kind, key.subject).sk;
}

function incidentOf(item: Item): Incident {
  return {
    curationType: String(item.curationType),
    kind: item.kind as Incident['kind'],
    subject: String(item.subject),
    openedAt: String(item.openedAt),
    updatedAt: String(item.updatedAt),
    occurrences: Number(item.occurrences),
    alerts: (item.alerts ?? {}) as Incident['alerts'],
  };
}

function oldestFirst(a: Incident, b: Incident): number {
  for (const [x, y] of [
    [a.openedAt, b.openedAt],
    [a.curationType, b.curationType],
    [a.kind, b.kind],
    [a.subject, b.subject],
  ] as const) {
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
