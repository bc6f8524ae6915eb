import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, StatementType } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TableInfo } from '../../ports/catalog.js';
import type { QueryEngine, QueryRequest, QueryStatus, RawResult } from '../../ports/query-engine.js';
import type { QualityCheck, QualityObservation } from '../../domain/quality-checks.js';
import { NotFoundError, QueryFailedError, StateError, TransientError } from '../../domain/errors.js';
import { resolveFileWriteOptions, outputExtension, type FileWriteOptions } from '../../domain/output-options.js';
import { resultMetadataKey } from '../../domain/naming.js';
import { renameFolderIntoPlace } from '../localfs/folder-publish.js';
import type { BucketPaths } from '../localfs/bucket-paths.js';
import { CatalogViews } from './catalog-views.js';
import { copyStatement } from './copy-statement.js';
import { toEngineError } from './duckdb-errors.js';
import { interruptUntilSettled, jobStatus, type QueryJob } from './query-job.js';
import { measureChecks } from './result-checks.js';
import { checkPartitionColumns, rowsPerFile, sealPartitionedFolder } from './partitioned-result.js';
import { publishResult, removeStaging, writeResultMetadata } from './result-files.js';
import { setUpSandbox } from './sandbox-setup.js';
import { quoteIdent } from './sql-literals.js';
import { estimateScan } from './scan-estimate.js';
import type { ScanEstimate } from '../../ports/query-engine.js';
import { checkQuery, prepareWrapped, type CheckedQuery } from './statement-guard.js';

/** Options of {@link DuckDbQueryEngine.open}. */
export interface DuckDbQueryEngineOptions {
  readonly paths: BucketPaths;
  /** Absolute; the only place DuckDB may write (results before they are published, spill files). */
  readonly stagingDir: string;
  /** The catalog: one view per table, one schema per database. */
  readonly tables: readonly TableInfo[];
  /** DuckDB memory limit, e.g. `'2GB'`; DuckDB's default otherwise. */
  readonly memoryLimit?: string;
  readonly threads?: number;
  /** An instance started earlier ({@link DuckDbQueryEngine.startInstance}), which the engine then owns. */
  readonly instance?: Promise<DuckDBInstance>;
}

/** How long cancel and close wait for an interrupted query to let go. */
const SETTLE_TIMEOUT_MS = 5_000;

/** How many started queries the engine remembers (see #forgetOldJobs). */
const MAX_REMEMBERED = 10_000;

/**
 * The embedded query engine: an in-memory DuckDB, sandboxed so a curation
 * can only read catalog tables, that writes each result file itself (rows
 * never pass through JavaScript) and publishes it Athena-style with a
 * `.metadata` side file. Query state lives in memory: after a restart every
 * id is unknown and reported as a transient failure.
 *
 * @example
 * const engine = await DuckDbQueryEngine.open({ paths, stagingDir, tables: await catalog.listTables() });
 * const id = await engine.start({ sql, database: 'wildrydes', output: { bucket: 'results', folder: 'raw/' }, format: 'csv', idempotencyKey: runId });
 */
export class DuckDbQueryEngine implements QueryEngine {
  readonly name = 'duckdb';
  readonly #instance: DuckDBInstance;
  /** The connection that set the sandbox up; creates views of tables whose files appear later. */
  readonly #admin: DuckDBConnection;
  readonly #catalogName: string;
  readonly #views: CatalogViews;
  readonly #paths: BucketPaths;
  readonly #stagingDir: string;
  readonly #limits: Pick<DuckDbQueryEngineOptions, 'memoryLimit' | 'threads'>;
  readonly #jobs = new Map<string, QueryJob>();
  readonly #idsByKey = new Map<string, string>();
  #viewRefresh: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(instance: DuckDBInstance, admin: DuckDBConnection, catalogName: string, views: CatalogViews, options: DuckDbQueryEngineOptions) {
    this.#instance = instance;
    this.#admin = admin;
    this.#catalogName = catalogName;
    this.#views = views;
    this.#paths = options.paths;
    this.#stagingDir = options.stagingDir;
    this.#limits = { memoryLimit: options.memoryLimit, threads: options.threads };
  }

  /**
   * Starts an in-memory DuckDB on its own threads (about 10 ms), for {@link open} to take over: started
   * before the catalog and the sandbox's settings are known, it is ready when they are.
   */
  static startInstance(): Promise<DuckDBInstance> {
    return DuckDBInstance.create(':memory:');
  }

  /** Starts DuckDB (or takes over `options.instance`), applies the sandbox, creates the catalog's schemas and locks the configuration. */
  static async open(options: DuckDbQueryEngineOptions): Promise<DuckDbQueryEngine> {
    const views = new CatalogViews(options.paths, options.tables);
    const instance = await (options.instance ?? DuckDbQueryEngine.startInstance());
    try {
      const admin = await instance.connect();
      const catalogName = await setUpSandbox(admin, { ...options, readableDirs: views.directories }, views.setup());
      return new DuckDbQueryEngine(instance, admin, catalogName, views, options);
    } catch (e) {
      instance.closeSync();
      throw e;
    }
  }

  async start(request: QueryRequest): Promise<string> {
    this.#assertOpen();
    const known = this.#idsByKey.get(request.idempotencyKey);
    if (known !== undefined) return known;
    const id = randomUUID();
    const write = request.write ?? resolveFileWriteOptions({ format: request.format });
    // A partitioned result is a folder named by the id; otherwise one file.
    const fileName = write.partitionBy ? id : `${id}.${outputExtension(request.format, write.compression)}`;
    const key = `${request.output.folder}${fileName}${write.partitionBy ? '/' : ''}`;
    const target = this.#paths.filePath(request.output.bucket, `${request.output.folder}${fileName}`);
    const job: QueryJob = { id, state: 'QUEUED', cancelRequested: false, settled: false, done: Promise.resolve() };
    this.#forgetOldJobs();
    this.#jobs.set(id, job);
    this.#idsByKey.set(request.idempotencyKey, id);
    const stagingFile = path.join(this.#stagingDir, fileName);
    job.done = this.#run(job, { ...request, write }, stagingFile, target, key);
    return id;
  }

  async status(queryExecutionId: string): Promise<QueryStatus> {
    const job = this.#jobs.get(queryExecutionId);
    if (!job) {
      return {
        state: 'FAILED',
        error: new TransientError(`query ${queryExecutionId} is not known to this engine (was the process restarted?)`),
      };
    }
    return jobStatus(job);
  }

  async waitForEnd(queryExecutionId: string, maxWaitMs: number): Promise<void> {
    const job = this.#jobs.get(queryExecutionId);
    if (!job || job.settled) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([job.done, new Promise((resolve) => (timer = setTimeout(resolve, maxWaitMs)))]);
    clearTimeout(timer);
  }

  async cancel(queryExecutionId: string): Promise<void> {
    const job = this.#jobs.get(queryExecutionId);
    if (!job || job.settled) return;
    job.cancelRequested = true;
    await interruptUntilSettled(job, SETTLE_TIMEOUT_MS);
  }

  async explain(sql: string, database: string): Promise<string> {
    this.#assertOpen();
    const connection = await this.#connect(database);
    try {
      const checked = await this.#check(connection, sql, database);
      const prepared = await prepareWrapped(connection, `EXPLAIN\n${checked.body}\n`, StatementType.EXPLAIN);
      try {
        const plan = await prepared.runAndReadAll();
        return plan.getRowsJS().map((row) => String(row[1])).join('\n');
      } finally {
        prepared.destroySync();
      }
    } catch (e) {
      throw toEngineError(e);
    } finally {
      connection.closeSync();
    }
  }

  /** Quality checks over a raw result, in a DuckDB instance whose sandbox reads that one file (see {@link measureChecks}). */
  async checkResult(result: RawResult, checks: readonly QualityCheck[]): Promise<QualityObservation[]> {
    this.#assertOpen();
    const file = this.#paths.filePath(result.bucket, result.key);
    try {
      return await measureChecks({ file, format: result.format, tempDir: path.join(this.#stagingDir, '.duckdb-tmp'), ...this.#limits }, checks);
    } catch (e) {
      throw toEngineError(e);
    }
  }

  /** An upper bound from the files of the catalog tables the query names (see scan-estimate.ts); the query is checked as `explain` does. */
  async estimateScanBytes(sql: string, database: string): Promise<ScanEstimate> {
    this.#assertOpen();
    const connection = await this.#connect(database);
    try {
      const checked = await this.#check(connection, sql, database);
      return await estimateScan(connection, this.#views, checked.body, database);
    } catch (e) {
      throw toEngineError(e);
    } finally {
      connection.closeSync();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#jobs.values()].map((job) => interruptUntilSettled(job, SETTLE_TIMEOUT_MS)));
    await this.#viewRefresh;
    this.#admin.closeSync();
    this.#instance.closeSync();
  }

  async #run(job: QueryJob, request: QueryRequest & { write: FileWriteOptions }, stagingFile: string, target: string, key: string): Promise<void> {
    const { write } = request;
    try {
      const connection = await this.#connect(request.database);
      job.connection = connection;
      try {
        const checked = await this.#check(connection, request.sql, request.database);
        if (write.partitionBy) checkPartitionColumns(write.partitionBy, checked.columns);
        const copy = copyStatement(checked.body, stagingFile, request.format, request.kvMetadata, write);
        const prepared = await prepareWrapped(connection, copy, StatementType.COPY);
        let rowCount: number;
        let counted: unknown[][];
        try {
          this.#assertStillWanted(job);
          job.state = 'RUNNING';
          counted = await (await prepared.run()).getRows();
          rowCount = Number(counted[0]?.[0] ?? 0);
        } finally {
          prepared.destroySync();
        }
        this.#assertStillWanted(job);
        let bytes: number;
        if (write.partitionBy) {
          const rows = await rowsPerFile(connection, request.format, write, stagingFile, counted);
          const manifest = await sealPartitionedFolder(stagingFile, request.format, write, rows, request.kvMetadata ?? {});
          rowCount = manifest.rowCount;
          bytes = manifest.bytes;
          this.#assertStillWanted(job);
          // Side file first, then the whole folder in one rename: a reader that sees the folder sees all of it.
          await writeResultMetadata(this.#paths.filePath(request.output.bucket, resultMetadataKey(key)), { columns: checked.columns, rowCount, format: request.format });
          await renameFolderIntoPlace(stagingFile, target, { move: true, ifAbsent: true });
        } else {
          bytes = await publishResult(stagingFile, target, { columns: checked.columns, rowCount, format: request.format });
        }
        job.result = { bucket: request.output.bucket, key, rowCount, bytes };
        job.state = 'SUCCEEDED';
      } finally {
        job.connection = undefined;
        connection.closeSync();
      }
    } catch (e) {
      if (job.cancelRequested) {
        job.state = 'CANCELLED';
      } else {
        job.state = 'FAILED';
        job.error = this.#closed
          ? new TransientError('the query engine closed while the query ran; start it again', { cause: e })
          : toEngineError(e);
      }
      await removeStaging(stagingFile).catch(() => undefined);
      if (write.partitionBy) await fs.rm(stagingFile, { recursive: true, force: true }).catch(() => undefined);
    } finally {
      job.settled = true;
    }
  }

  /** A connection whose unqualified table names resolve in `database`, as Athena's query context does. */
  async #connect(database: string): Promise<DuckDBConnection> {
    if (!this.#views.databases.has(database)) {
      throw new NotFoundError('catalog database', database, 'no table of the catalog is in it');
    }
    const connection = await this.#instance.connect();
    try {
      // USE only sets this connection's search path, which lock_configuration leaves alone.
      await connection.run(`USE ${quoteIdent(this.#catalogName)}.${quoteIdent(database)}`);
      return connection;
    } catch (e) {
      connection.closeSync();
      throw toEngineError(e);
    }
  }

  async #check(connection: DuckDBConnection, sql: string, database: string): Promise<CheckedQuery> {
    try {
      await this.#refreshViews(connection, sql, database);
      return await checkQuery(connection, sql);
    } catch (e) {
      throw (e instanceof QueryFailedError && this.#views.explainMissing(e.message, database)) || e;
    }
  }

  /** Views of the tables `sql` may read, made or retried (files appeared since); one refresh at a time, on the admin connection. */
  #refreshViews(connection: DuckDBConnection, sql: string, database: string): Promise<void> {
    const next = this.#viewRefresh.then(() => this.#views.prepareFor(this.#admin, connection, sql, database));
    this.#viewRefresh = next.catch(() => undefined);
    return next;
  }

  /**
   * Keeps memory flat in a long-lived process: beyond MAX_REMEMBERED jobs the
   * oldest finished ones (and their idempotency keys) are forgotten. Their runs
   * have long since read their status; a late status call reports them unknown.
   */
  #forgetOldJobs(): void {
    if (this.#jobs.size < MAX_REMEMBERED) return;
    for (const [id, job] of this.#jobs) {
      if (this.#jobs.size < MAX_REMEMBERED * 0.9) break;
      if (job.settled) this.#jobs.delete(id);
    }
    const live = new Set(this.#jobs.keys());
    for (const [key, id] of this.#idsByKey) if (!live.has(id)) this.#idsByKey.delete(key);
  }

  #assertStillWanted(job: QueryJob): void {
    if (job.cancelRequested || this.#closed) throw new StateError(`query ${job.id} was stopped before it finished`);
  }

  #assertOpen(): void {
    if (this.#closed) throw new StateError('the query engine is closed');
  }
}
