import type { OutputFormat } from '../domain/curation.js';
import type { FileWriteOptions } from '../domain/output-options.js';
import type { QualityCheck, QualityObservation } from '../domain/quality-checks.js';

export interface QueryRequest {
  /** The user's SQL: exactly one SELECT/WITH statement; anything else is refused before it runs. */
  readonly sql: string;
  /** The catalog database unqualified table names resolve in (Athena's query context). */
  readonly database: string;
  /** Where the raw result goes: `<bucket>/<folder><queryExecutionId>.<format>`, plus a `.metadata` side file. */
  readonly output: { readonly bucket: string; readonly folder: string };
  readonly format: OutputFormat;
  /**
   * Format options, compression and partitions (default: CSV as the sample
   * writes it, Parquet with zstd). An engine that cannot honour one refuses the
   * start with a ValidationError naming the `outputDetails` field. With
   * `partitionBy` the result is a folder `<folder><queryExecutionId>/` holding
   * `col=value/…` files, `_manifest.json` and `_SUCCESS`.
   */
  readonly write?: FileWriteOptions;
  /** Same key, same query: a retried start never launches a second query. */
  readonly idempotencyKey: string;
  /** Key-value pairs stamped into the file where the format allows (Parquet footer). */
  readonly kvMetadata?: Readonly<Record<string, string>>;
}

/** A raw result as the query left it. */
export interface RawResult {
  readonly bucket: string;
  readonly key: string;
  readonly format: OutputFormat;
}

export type QueryState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface QueryStatus {
  readonly state: QueryState;
  /** On SUCCEEDED: where the raw result is, and its size. A key ending in `/` is a partitioned folder (all its files together). */
  readonly result?: { readonly bucket: string; readonly key: string; readonly rowCount: number; readonly bytes: number };
  /** On FAILED: the engine's error, already typed (SandboxError, QueryFailedError, …). */
  readonly error?: Error;
  /** Bytes the engine read to answer the query, where it reports them (Athena's `DataScannedInBytes`, what it bills). */
  readonly dataScannedBytes?: number;
  /** Time the engine spent executing the query, where it reports it (Athena's `EngineExecutionTimeInMillis`). */
  readonly engineExecutionTimeMs?: number;
}

/** What an engine can tell about a query's scan before it runs. */
export type ScanEstimate =
  | { readonly bytes: number; readonly detail: string }
  | { readonly bytes?: undefined; readonly reason: string };

/** Runs one query and writes its result as a file, Athena-style. */
export interface QueryEngine {
  readonly name: string;
  /** Starts (or re-attaches to) the query for `idempotencyKey`; returns its execution id. */
  start(request: QueryRequest): Promise<string>;
  /** Current state; an id the engine does not know (e.g. after a restart) reports FAILED with a TransientError. */
  status(queryExecutionId: string): Promise<QueryStatus>;
  /**
   * Optional capability of engines that run in this process: resolves when the
   * query ends or after `maxWaitMs`, whichever is first, so a finished query is
   * noticed at once instead of at the next poll.
   */
  waitForEnd?(queryExecutionId: string, maxWaitMs: number): Promise<void>;
  /** Asks the engine to stop; resolves once the engine has been told. */
  cancel(queryExecutionId: string): Promise<void>;
  /** Checks the SQL (single SELECT, sandbox, binds against the catalog) without running it; returns the plan. */
  explain(sql: string, database: string): Promise<string>;
  /**
   * Optional capability: the bytes the query would scan, told before it runs
   * (`bytes`), or why the engine cannot tell for this query (`reason`).
   */
  estimateScanBytes?(sql: string, database: string): Promise<ScanEstimate>;
  /** Capability flag: `status()` reports `dataScannedBytes` while the query runs, so a limit can stop it (Athena). */
  readonly reportsScanWhileRunning?: boolean;
  /**
   * Optional capability: measures `checks` over a finished query's raw result
   * (one observation per check, same order), in a sandbox that reads that
   * result and nothing else; a `sql` check must be a single SELECT over the
   * relation `result`. An engine without it refuses definitions with
   * `qualityChecks` (the validate step names the field).
   */
  checkResult?(result: RawResult, checks: readonly QualityCheck[]): Promise<QualityObservation[]>;
  close(): Promise<void>;
}
