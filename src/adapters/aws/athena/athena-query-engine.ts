import type { AthenaClient, AthenaClientConfig, QueryExecution, StartQueryExecutionInput } from '@aws-sdk/client-athena';
import type * as AthenaSdk from './athena-commands.js';
import { QueryCancelledError, QueryFailedError, QueryTimeoutError, TransientError, ValidationError } from '../../../domain/errors.js';
import type { ObjectStore } from '../../../ports/object-store.js';
import type { QueryEngine, QueryRequest, QueryStatus } from '../../../ports/query-engine.js';
import { s3Uri } from '../s3-uri.js';
import { athenaError, isUnknownQuery } from './athena-errors.js';
import { clientRequestToken, executionError, executionState, executionStatistics, failedRetryably, resultLocation } from './athena-execution.js';
import { athenaQueryBody } from './athena-statement.js';

/** Options of {@link AthenaQueryEngine}. */
export interface AthenaQueryEngineOptions {
  /** The store Athena writes into (S3): sizes each result, removes EXPLAIN's result files. */
  readonly objects: Pick<ObjectStore, 'head' | 'delete'>;
  /** A client to use instead of creating one; the engine never destroys it. */
  readonly client?: AthenaClient;
  /** Added to the client the engine creates; region, credentials and endpoint otherwise come from the SDK's standard chain (`AWS_REGION`, `AWS_ENDPOINT_URL_ATHENA`, profiles, …). */
  readonly clientConfig?: AthenaClientConfig;
  /** An explicit endpoint, e.g. an Athena protocol server on 127.0.0.1 in tests. */
  readonly endpoint?: string;
  /** The workgroup queries run in; Athena's `primary` otherwise. */
  readonly workGroup?: string;
  /** The data catalog of the query context; Athena's `AwsDataCatalog` (Glue) otherwise. */
  readonly dataCatalog?: string;
  /** Where EXPLAIN writes its small result (removed afterwards); without it the workgroup's output location is used. */
  readonly explainOutput?: { readonly bucket: string; readonly folder: string };
  /** SSE-KMS key for result files (`EncryptionConfiguration`); the workgroup's setting otherwise. */
  readonly kmsKeyId?: string;
  /** How long `explain` waits for Athena; default 60 s, then the EXPLAIN is stopped (QueryTimeoutError). */
  readonly explainTimeoutMs?: number;
  /** Queries one idempotency key may launch when Athena fails them retryably; default 4. */
  readonly maxAttemptsPerKey?: number;
}

interface Connection {
  readonly sdk: typeof AthenaSdk;
  readonly client: AthenaClient;
}

const FIRST_POLL_MS = 50;
const MAX_POLL_MS = 1_000;
/** How many finished statuses are kept, so a SUCCEEDED query is sized and counted once. */
const MAX_REMEMBERED = 1_000;

/**
 * The query engine on Amazon Athena (AWS SDK v3, loaded on first use; one
 * client per engine). Athena runs the query and writes
 * `<output folder><QueryExecutionId>.csv` plus its `.csv.metadata`, as the
 * engine's steps expect; only CSV results exist (Parquet or JSON would need
 * UNLOAD, which writes a folder of files).
 *
 * - Idempotent starts: `ClientRequestToken` is derived from the request's
 *   idempotency key (see `clientRequestToken`), so a retried start re-attaches
 *   to the query it launched. When Athena failed that query retryably, the
 *   next token of the key starts a fresh one.
 * - Row counts: Athena's GetQueryExecution has none for a SELECT. They come
 *   from GetQueryRuntimeStatistics (`Rows.OutputRows`), and where Athena has
 *   no runtime statistics, from counting the rows GetQueryResults pages
 *   through (slow for big results, hence only the fallback).
 * - `dataScannedBytes` and `engineExecutionTimeMs` are reported on every status.
 *
 * @example
 * const engine = new AthenaQueryEngine({ objects: s3Store, workGroup: 'curation', explainOutput: { bucket: 'athena-results', folder: 'explain/' } });
 * const id = await engine.start({ sql, database: 'wildrydes', output: { bucket: 'athena-results', folder: 'adp/' }, format: 'csv', idempotencyKey: runName });
 */
export class AthenaQueryEngine implements QueryEngine {
  readonly name = 'athena';
  readonly #options: AthenaQueryEngineOptions;
  readonly #finished = new Map<string, QueryStatus>();
  #connection?: Promise<Connection>;

  constructor(options: AthenaQueryEngineOptions) {
    this.#options = options;
  }

  async start(request: QueryRequest): Promise<string> {
    const body = athenaQueryBody(request.sql);
    refuseUnsupportedOutput(request);
    const folder = request.output.folder === '' || request.output.folder.endsWith('/') ? request.output.folder : `${request.output.folder}/`;
    const maxAttempts = this.#options.maxAttemptsPerKey ?? 4;
    let id = '';
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      id = await this.#startExecution({
        QueryString: body,
        ClientRequestToken: clientRequestToken(request.idempotencyKey, attempt),
        QueryExecutionContext: { Database: request.database, ...(this.#options.dataCatalog ? { Catalog: this.#options.dataCatalog } : {}) },
        ResultConfiguration: { OutputLocation: s3Uri(request.output.bucket, folder), ...this.#encryption() },
      });
      if (attempt === maxAttempts || !(await this.#failedRetryably(id))) break;
    }
    return id;
  }

  /** Athena reports DataScannedInBytes on every status, running or not: maxBytesScanned stops a query as it passes the limit. */
  readonly reportsScanWhileRunning = true;

  async status(queryExecutionId: string): Promise<QueryStatus> {
    const known = this.#finished.get(queryExecutionId);
    if (known) return known;
    let execution: QueryExecution | undefined;
    try {
      execution = await this.#execution(queryExecutionId);
    } catch (e) {
      if (isUnknownQuery(e)) {
        return { state: 'FAILED', error: new TransientError(`Athena does not know query ${queryExecutionId} (another region or account, or expired)`, { cause: e }) };
      }
      throw e;
    }
    const state = executionState(execution);
    const statistics = executionStatistics(execution);
    let status: QueryStatus;
    switch (state) {
      case 'SUCCEEDED': {
        const location = resultLocation(queryExecutionId, execution);
        const [rowCount, object] = await Promise.all([this.#rowCount(queryExecutionId), this.#options.objects.head(location.bucket, location.key)]);
        if (!object) {
          return { state: 'FAILED', error: new QueryFailedError(`Athena query ${queryExecutionId} succeeded but its result ${s3Uri(location.bucket, location.key)} is gone`), ...statistics };
        }
        status = { state, result: { ...location, rowCount, bytes: object.size }, ...statistics };
        break;
      }
      case 'FAILED':
        status = { state, error: executionError(queryExecutionId, execution), ...statistics };
        break;
      default:
        return { state, ...statistics };
    }
    this.#remember(queryExecutionId, status);
    return status;
  }

  /** StopQueryExecution; a query that already ended, or that Athena does not know, needs nothing. */
  async cancel(queryExecutionId: string): Promise<void> {
    const { sdk, client } = await this.#athena();
    try {
      await client.send(new sdk.StopQueryExecutionCommand({ QueryExecutionId: queryExecutionId }));
    } catch (e) {
      if (isUnknownQuery(e)) return;
      throw athenaError(e, 'StopQueryExecution');
    }
  }

  /**
   * Runs `EXPLAIN <sql>` in `database` and returns Athena's plan, one line
   * per row of its result (read with GetQueryResults). An unknown table or
   * column is a QueryFailedError in Athena's words. The EXPLAIN's own result
   * files are removed afterwards.
   */
  async explain(sql: string, database: string): Promise<string> {
    const body = athenaQueryBody(sql);
    const out = this.#options.explainOutput;
    const id = await this.#startExecution({
      QueryString: `EXPLAIN\n${body}\n`,
      QueryExecutionContext: { Database: database, ...(this.#options.dataCatalog ? { Catalog: this.#options.dataCatalog } : {}) },
      ...(out ? { ResultConfiguration: { OutputLocation: s3Uri(out.bucket, out.folder), ...this.#encryption() } } : {}),
    });
    const execution = await this.#awaitEnd(id, this.#options.explainTimeoutMs ?? 60_000);
    try {
      switch (executionState(execution)) {
        case 'SUCCEEDED': {
          const rows = await this.#resultRows(id);
          return rows.map((row) => row.join(' ')).join('\n');
        }
        case 'CANCELLED':
          throw new QueryCancelledError(`the EXPLAIN of the query (Athena query ${id}) was cancelled`);
        default:
          throw executionError(id, execution);
      }
    } finally {
      await this.#removeResult(execution);
    }
  }

  /** Destroys the client the engine created (an injected one is left to its owner). */
  async close(): Promise<void> {
    const opened = this.#connection;
    this.#connection = undefined;
    if (opened && !this.#options.client) (await opened).client.destroy();
  }

  async #startExecution(input: StartQueryExecutionInput): Promise<string> {
    const { sdk, client } = await this.#athena();
    try {
      const out = await client.send(
        new sdk.StartQueryExecutionCommand({ ...input, ...(this.#options.workGroup ? { WorkGroup: this.#options.workGroup } : {}) }),
      );
      return out.QueryExecutionId!;
    } catch (e) {
      throw athenaError(e, 'StartQueryExecution');
    }
  }

  /** Whether the query a token answered with already failed retryably, so the key's next token should start a fresh one. */
  async #failedRetryably(id: string): Promise<boolean> {
    try {
      return failedRetryably(await this.#execution(id));
    } catch (e) {
      // Athena may not list a query it has just accepted: a fresh query has not failed.
      if (isUnknownQuery(e)) return false;
      throw e;
    }
  }

  async #execution(id: string): Promise<QueryExecution | undefined> {
    const { sdk, client } = await this.#athena();
    try {
      return (await client.send(new sdk.GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution;
    } catch (e) {
      if (isUnknownQuery(e)) throw e;
      throw athenaError(e, 'GetQueryExecution');
    }
  }

  /** Polls (50 ms, growing to 1 s) until the execution ends; past `timeoutMs` it is stopped. */
  async #awaitEnd(id: string, timeoutMs: number): Promise<QueryExecution | undefined> {
    const deadline = Date.now() + timeoutMs;
    let delay = FIRST_POLL_MS;
    for (;;) {
      const execution = await this.#execution(id).catch((e: unknown) => {
        throw isUnknownQuery(e) ? new TransientError(`Athena lost track of query ${id} it had just accepted; try again`, { cause: e }) : e;
      });
      const state = executionState(execution);
      if (state !== 'QUEUED' && state !== 'RUNNING') return execution;
      if (Date.now() >= deadline) {
        await this.cancel(id);
        throw new QueryTimeoutError(`Athena query ${id} did not finish within ${timeoutMs} ms and was stopped`);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(delay, Math.max(0, deadline - Date.now()))));
      delay = Math.min(MAX_POLL_MS, delay * 1.5);
    }
  }

  /** Rows the query returned: Athena's runtime statistics, else a count over GetQueryResults. */
  async #rowCount(id: string): Promise<number> {
    const { sdk, client } = await this.#athena();
    try {
      const stats = await client.send(new sdk.GetQueryRuntimeStatisticsCommand({ QueryExecutionId: id }));
      const rows = stats.QueryRuntimeStatistics?.Rows?.OutputRows;
      if (rows !== undefined) return rows;
    } catch (e) {
      const mapped = athenaError(e, 'GetQueryRuntimeStatistics');
      if (!(mapped instanceof QueryFailedError)) throw mapped;
      // Not available for this query: count instead.
    }
    return (await this.#resultRows(id)).length;
  }

  /** The result's data rows, every page of GetQueryResults, without the header row Athena puts first. */
  async #resultRows(id: string): Promise<string[][]> {
    const { sdk, client } = await this.#athena();
    const rows: string[][] = [];
    let labels: string[] | undefined;
    let token: string | undefined;
    do {
      try {
        const page = await client.send(new sdk.GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 1000, ...(token ? { NextToken: token } : {}) }));
        labels ??= (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Label ?? c.Name ?? '');
        for (const row of page.ResultSet?.Rows ?? []) rows.push((row.Data ?? []).map((d) => d.VarCharValue ?? ''));
        token = page.NextToken || undefined;
      } catch (e) {
        throw athenaError(e, 'GetQueryResults');
      }
    } while (token);
    const first = rows[0];
    if (first && labels && first.length === labels.length && first.every((v, i) => v === labels![i])) rows.shift();
    return rows;
  }

  async #removeResult(execution: QueryExecution | undefined): Promise<void> {
    const uri = execution?.ResultConfiguration?.OutputLocation;
    if (!uri) return;
    try {
      const location = resultLocation(execution?.QueryExecutionId ?? '', execution);
      await Promise.all([this.#options.objects.delete(location.bucket, location.key), this.#options.objects.delete(location.bucket, `${location.key}.metadata`)]);
    } catch {
      // Best effort: a leftover EXPLAIN result is a few bytes, and the workgroup's lifecycle rules remove it.
    }
  }

  #remember(id: string, status: QueryStatus): void {
    if (this.#finished.size >= MAX_REMEMBERED) this.#finished.delete(this.#finished.keys().next().value!);
    this.#finished.set(id, status);
  }

  #encryption(): { EncryptionConfiguration?: { EncryptionOption: 'SSE_KMS'; KmsKey: string } } {
    const key = this.#options.kmsKeyId;
    return key ? { EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: key } } : {};
  }

  #athena(): Promise<Connection> {
    return (this.#connection ??= this.#open());
  }

  async #open(): Promise<Connection> {
    const sdk = await import('./athena-commands.js');
    const o = this.#options;
    if (o.client) return { sdk, client: o.client };
    return { sdk, client: new sdk.AthenaClient({ ...o.clientConfig, ...(o.endpoint !== undefined ? { endpoint: o.endpoint } : {}) }) };
  }
}

/**
 * Athena writes a query result as one uncompressed CSV file with a header,
 * `,` between values and every value in `"` quotes: output options asking for
 * anything else are refused at run start, each naming its field.
 */
function refuseUnsupportedOutput(request: QueryRequest): void {
  const issues: { path: string; message: string }[] = [];
  if (request.format !== 'csv') {
    issues.push({ path: 'outputDetails.format', message: `Athena writes query results as CSV; '${request.format}' is not available with the Athena engine` });
  }
  const w = request.write;
  if (w?.partitionBy) issues.push({ path: 'outputDetails.partitionBy', message: 'Athena writes one result file per query: partitioned output is not available with the Athena engine' });
  if (w && w.compression !== 'none') issues.push({ path: 'outputDetails.compression', message: `Athena writes query results uncompressed; '${w.compression}' is not available with the Athena engine` });
  const c = w?.csv;
  if (c && (!c.header || c.delimiter !== ',' || c.quote !== '"' || c.escape !== '"' || c.nullString !== '')) {
    issues.push({ path: 'outputDetails.csv', message: 'Athena writes CSV with a header, "," between values, \'"\' quotes and empty NULLs: other CSV options are not available with the Athena engine' });
  }
  if (issues.length > 0) throw new ValidationError(issues);
}
