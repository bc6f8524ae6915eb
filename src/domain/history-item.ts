import type { HistoryRecord, RecordOutputDetails, TerminalStatus } from './history.js';
import { RUN_STATUSES } from './history.js';

// The sample's Lambdas wrote history items with fewer fields than adp's
// records: no status (an `error` means it failed), no trigger, start time,
// duration, attempt or engine, and `null` for absent maps. Stores that share a
// table with the sample read every item through here.

const STATUSES: ReadonlySet<string> = new Set(RUN_STATUSES);

/** The engine named on records the sample's Step Functions workflow wrote. */
export const SAMPLE_ENGINE = 'athena';

/** A stored history item (the sample's or adp's) as a record; adp's own items come back unchanged. */
export function recordFromItem(item: object): HistoryRecord {
  // A shallow copy: nested values are only read (outputDetails is rebuilt), so the item is never changed.
  const record = { ...item } as Record<string, unknown>;
  for (const key of ['metadata', 'tags', 'error', 'errorCause', 'scriptFileCommitId', 'queryOutputLocation', 'curationOutputLocation'] as const) {
    if (record[key] === null) delete record[key];
  }
  const timestamp = Number(record.timestamp);
  record.timestamp = timestamp;
  if (typeof record.status !== 'string' || !STATUSES.has(record.status)) record.status = derivedStatus(record);
  record.trigger ??= 'schedule';
  record.startedAt ??= new Date(timestamp).toISOString();
  record.durationMs ??= 0;
  record.attempt ??= 1;
  record.engine ??= SAMPLE_ENGINE;
  if (isObject(record.outputDetails)) {
    const { outputFilename, ...rest } = record.outputDetails;
    const older = !('includeTimestampInFilenameBool' in rest) && typeof outputFilename === 'string';
    // adp's records before the sample's shape: `outputFilename` was the published name.
    if (older) record.publishedFilename ??= outputFilename;
    record.outputDetails = outputDetailsFromItem(older ? rest : record.outputDetails);
  }
  return record as unknown as HistoryRecord;
}

function derivedStatus(item: Readonly<Record<string, unknown>>): TerminalStatus {
  return item.error !== undefined || item.errorCause !== undefined ? 'failed' : 'succeeded';
}

/** The sample's resolved shape, whichever of its spellings the item has (definitions' names too, from older adp records). */
function outputDetailsFromItem(details: Readonly<Record<string, unknown>>): RecordOutputDetails {
  const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  const map = (v: unknown): Record<string, string> | null => (isObject(v) ? (v as Record<string, string>) : null);
  const resolved: RecordOutputDetails = {
    outputBucket: String(details.outputBucket ?? ''),
    outputFolderPath: text(details.outputFolderPath),
    outputFilename: text(details.outputFilename ?? details.filename),
    includeTimestampInFilenameBool: Boolean(details.includeTimestampInFilenameBool ?? details.includeTimestampInFilename ?? false),
    metadata: map(details.metadata),
    tags: map(details.tags),
  };
  if (typeof details.format === 'string') resolved.format = details.format as RecordOutputDetails['format'];
  return resolved;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
