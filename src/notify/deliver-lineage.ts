import type { HistoryRecord } from '../domain/history.js';
import { datasetOfLocation, tableReference, type LineageDatasetName } from '../domain/lineage/datasets.js';
import { lineageRunEvent, type RunEvent } from '../domain/lineage/run-event.js';
import { DeliveryError } from '../domain/notify/delivery-error.js';
import type { LineageDestinationSpec } from '../domain/notify/destinations.js';
import type { OutboxEntry } from '../domain/notify/outbox.js';
import type { LineageSources, LineageTransport } from '../ports/lineage.js';
import type { OutboxOutcome } from '../ports/outbox-store.js';
import type { DispatcherDeps } from './dispatcher-deps.js';
import { failureOutcome } from './outcome.js';

/**
 * Sends one OpenLineage sink's claimed entries as run events, one after
 * another in claim (enqueue) order: a run's START goes before its end. After
 * a failure that will be retried, the rest of that curation's entries are
 * released untried, so no event overtakes the one that waits.
 */
export async function deliverLineage(deps: DispatcherDeps, destination: LineageDestinationSpec, entries: readonly OutboxEntry[]): Promise<OutboxOutcome[]> {
  if (entries.length === 0) return [];
  let transport: LineageTransport;
  try {
    transport = await deps.destinations.lineage(destination);
  } catch (error) {
    return entries.map((e) => failureOutcome(deps, e, error));
  }
  const outcomes: OutboxOutcome[] = [];
  const waiting = new Set<string>();
  for (const entry of entries) {
    if (waiting.has(entry.curationType)) {
      outcomes.push({ id: entry.id, outcome: 'release' });
      continue;
    }
    try {
      await transport.emit(await lineageEventOf(deps, destination, entry));
      outcomes.push({ id: entry.id, outcome: 'delivered' });
    } catch (error) {
      const outcome = failureOutcome(deps, entry, error);
      outcomes.push(outcome);
      if (outcome.outcome === 'retry') waiting.add(entry.curationType);
    }
  }
  return outcomes;
}

/** The entry's run event, with the tables, SQL and script path read now (a read that fails is retried). */
export async function lineageEventOf(deps: Pick<DispatcherDeps, 'lineage' | 'log'>, destination: LineageDestinationSpec, entry: OutboxEntry): Promise<RunEvent> {
  const record = entry.payload as HistoryRecord;
  const sources = deps.lineage;
  const [run, inputs] = sources
    ? await Promise.all([
        retryable('reading the run', () => sources.runs.getRun(record.curationExecutionName)),
        retryable('reading the catalog', () => inputsOf(sources, record, deps.log)),
      ])
    : [undefined, []];
  return lineageRunEvent({
    phase: entry.event === 'lineageStart' ? 'start' : 'end',
    record,
    jobNamespace: destination.namespace,
    producer: destination.producer,
    inputs,
    sql: run?.context.sql,
    script: sources?.scripts && { ...sources.scripts, path: run?.context.definition?.sqlFilePath },
  });
}

/** The record's `glueDetails.tables` as datasets named by their location; a table the catalog no longer has is left out (and logged). */
async function inputsOf(sources: LineageSources, record: HistoryRecord, log?: (line: string) => void): Promise<LineageDatasetName[]> {
  const details = record.glueDetails;
  if (!details?.tables?.length) return [];
  const found = new Map<string, LineageDatasetName>();
  for (const entry of details.tables) {
    const ref = tableReference(details.database, entry);
    const table = await sources.catalog.getTable(ref.database, ref.table);
    const dataset = table && datasetOfLocation(sources.objects.uri(table.location.bucket, table.location.prefix));
    if (!dataset) {
      log?.(`lineage: ${record.curationExecutionName}: table ${ref.database}.${ref.table} is not in the catalog (any more): left out of the inputs`);
      continue;
    }
    found.set(`${dataset.namespace}\u0000${dataset.name}`, dataset);
  }
  return [...found.values()];
}

async function retryable<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new DeliveryError(`${what} for the lineage event: ${(error as Error).message}`, { retryable: true, cause: error });
  }
}
