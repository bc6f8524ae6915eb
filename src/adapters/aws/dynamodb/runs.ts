import { NotFoundError, StateError } from '../../../domain/errors.js';
import type { RunState } from '../../../domain/run.js';
import type { Item } from './dynamo-db.js';
import { Expr } from './expression.js';
import type { Tables } from './retry-conflicts.js';
import { runAttributes, runOf } from './run-item.js';
import { ACTIVE_RUNS, keys, STATE_INDEX } from './table-layout.js';

/**
 * Creates a run's item.
 *
 * @throws StateError if an item of that name exists (a run, or the record of a run that never had one).
 */
export async function createRun(t: Tables, run: RunState): Promise<void> {
  const x = new Expr();
  const ok = await t.db.put(t.names.state, createItem(run), `attribute_not_exists(${x.name('pk')})`, x);
  if (!ok) throw new StateError(`run '${run.executionName}' already exists: execution names must be unique`);
}

/** The whole item of a new run (also written by tick claims, in their transaction). */
export function createItem(run: RunState): Item {
  return { ...keys.run(run.executionName), ...runAttributes(run), rev: 1 };
}

/**
 * Replaces the stored run (its lease and terminal marker stay as they are).
 *
 * @throws NotFoundError('run', name) if the run was never created.
 */
export async function saveRun(t: Tables, run: RunState): Promise<void> {
  const x = new Expr();
  const update = x.update(runAttributes(run), { setRaw: [`${x.name('rev')} = ${x.name('rev')} + ${x.value(1)}`] });
  const { ok } = await t.db.update(t.names.state, keys.run(run.executionName), update, x, { condition: `attribute_exists(${x.name('run')})` });
  if (!ok) throw new NotFoundError('run', run.executionName);
}

/** One run, or undefined. */
export async function getRun(t: Tables, executionName: string): Promise<RunState | undefined> {
  return runOf(await t.db.get(t.names.state, keys.run(executionName)));
}

/**
 * Items of queued and running runs, oldest first, as the base table holds
 * them now: the index finds them, a consistent read confirms them (an
 * index answers a moment late).
 */
export async function activeRunItems(t: Tables, curationTypes?: ReadonlySet<string>): Promise<Item[]> {
  const x = new Expr();
  const found = await t.db.queryAll({
    table: t.names.state,
    index: STATE_INDEX.gsi1,
    keyCondition: `${x.name('g1pk')} = ${x.value(ACTIVE_RUNS)}`,
    projection: `${x.name('pk')}, ${x.name('sk')}, ${x.name('curationType')}`,
    expr: x,
  });
  const wanted = curationTypes ? found.filter((i) => curationTypes.has(String(i.curationType))) : found;
  const current = await t.db.batchGet(
    t.names.state,
    wanted.map((i) => ({ pk: i.pk, sk: i.sk })),
  );
  return current
    .filter((i) => i.g1pk === ACTIVE_RUNS && runOf(i) !== undefined)
    .sort((a, b) => (String(a.g1sk) < String(b.g1sk) ? -1 : String(a.g1sk) > String(b.g1sk) ? 1 : 0));
}

/** Queued and running runs, oldest first. */
export async function listActiveRuns(t: Tables): Promise<RunState[]> {
  return (await activeRunItems(t)).map((i) => runOf(i)!);
}
