import type { CurationDefinition } from '../domain/curation.js';
import { ScanLimitExceededError, ScanLimitUnsupportedError } from '../domain/scan-limit-errors.js';
import type { QueryEngine, QueryStatus } from '../ports/query-engine.js';

/**
 * `maxBytesScanned` before the query starts: an engine that can tell the
 * bytes beforehand (DuckDB, from the files of the tables the query reads)
 * refuses a query above the limit; one that reports them while running
 * (Athena) is left to {@link scanLimitWhileRunning}; with neither, the run is
 * refused (ScanLimitUnsupportedError). Returns the estimate, if any.
 */
export async function guardScanBeforeStart(
  queries: Pick<QueryEngine, 'name' | 'estimateScanBytes' | 'reportsScanWhileRunning'>,
  def: CurationDefinition,
  sql: string,
): Promise<number | undefined> {
  const limit = def.maxBytesScanned;
  if (limit === undefined) return undefined;
  const estimate = queries.estimateScanBytes ? await queries.estimateScanBytes(sql, def.glueDetails.database) : undefined;
  if (estimate?.bytes !== undefined) {
    if (estimate.bytes > limit) throw new ScanLimitExceededError(estimate.bytes, limit, 'before it started');
    return estimate.bytes;
  }
  if (queries.reportsScanWhileRunning) return undefined;
  throw new ScanLimitUnsupportedError(queries.name, estimate?.reason ?? 'the engine reports no bytes scanned, neither before nor while a query runs');
}

/** The error that stops a query whose reported scan passed `maxBytesScanned`, if it did. */
export function scanLimitWhileRunning(def: CurationDefinition, status: QueryStatus): ScanLimitExceededError | undefined {
  const limit = def.maxBytesScanned;
  const bytes = status.dataScannedBytes;
  if (limit === undefined || bytes === undefined || bytes <= limit) return undefined;
  return new ScanLimitExceededError(bytes, limit, status.state === 'SUCCEEDED' ? 'when it ended' : 'while it ran');
}
