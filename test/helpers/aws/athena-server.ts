import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance, StatementType, type DuckDBConnection } from '@duckdb/node-api';
import { ServiceError, page, startJsonProtocolServer, type JsonRequest } from './json-protocol-server.js';

/** What a registered table reads: a CSV file with a header row, or any DuckDB SELECT (a view). */
export type AthenaTableSource = { readonly csv: string } | { readonly sql: string; readonly scannedBytes?: number };

/** How the next query fails: Athena's `StateChangeReason` and `AthenaError` fields. */
export interface PlannedFailure {
  readonly reason?: string;
  /** 1 SYSTEM, 2 USER, 3 OTHER (Athena's error catalog); default 2. */
  readonly errorCategory?: number;
  /** Athena's error type number; default 1000 (user error). */
  readonly errorType?: number;
  readonly retryable?: boolean;
}

export interface AthenaServerOptions {
  /** A client of the S3 emulator (s3rver) the result files are written into. */
  readonly s3: S3Client;
  /** Workgroups the server knows, with their result location (`s3://bucket/folder/`); default `{ primary: {} }`. */
  readonly workGroups?: Readonly<Record<string, { readonly outputLocation?: string }>>;
  /** How long a query stays QUEUED before it runs; default 0 (the next turn of the event loop). */
  readonly queuedMs?: number;
  /** When false, GetQueryRuntimeStatistics is refused, as Athena does for queries it has none for; default true. */
  readonly runtimeStatistics?: boolean;
}

/** One query execution as the server keeps it (exposed for assertions). */
export interface ServedExecution {
  readonly id: string;
  readonly query: string;
  readonly database: string | undefined;
  readonly workGroup: string;
  readonly clientRequestToken: string | undefined;
  readonly state: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  /** The result file's `s3://` URI. */
  readonly outputLocation: string;
}

/** A running Athena protocol server. */
export interface AthenaTestServer {
  /** `http://127.0.0.1:<port>`: give it to the client as `endpoint` (or as `AWS_ENDPOINT_URL_ATHENA`). */
  readonly endpoint: string;
  readonly requests: readonly JsonRequest[];
  /** Makes `database.table` readable by queries (replacing an earlier one); names are lower-cased as Glue keeps them. */
  registerTable(database: string, table: string, source: AthenaTableSource): Promise<void>;
  /** The next query started ends FAILED with this reason, without running. */
  failNextQuery(failure?: PlannedFailure): void;
  /** The next query started stays RUNNING until StopQueryExecution. */
  hangNextQuery(): void;
  /** Queries stay QUEUED (started ones and new ones) until the returned function is called. */
  holdQueued(): () => void;
  /** Queries actually launched (a StartQueryExecution answered from its ClientRequestToken launches none). */
  queriesStarted(): number;
  executions(): readonly ServedExecution[];
  /** The next `count` API requests fail (default ThrottlingException); see the JSON protocol server. */
  failNext(count: number, options?: { operation?: string; type?: string; status?: number }): void;
  close(): Promise<void>;
}

interface ColumnInfo {
  readonly Name: string;
  readonly Label: string;
  readonly Type: string;
  readonly Precision: number;
  readonly Scale: number;
}

interface Execution {
  id: string;
  query: string;
  database: string | undefined;
  catalog: string;
  workGroup: string;
  token: string | undefined;
  fingerprint: string;
  outputLocation: string;
  state: ServedExecution['state'];
  submitted: number;
  started?: number;
  completed?: number;
  failure?: Required<PlannedFailure>;
  scannedBytes: number;
  columns?: ColumnInfo[];
  rows?: Array<Array<string | null>>;
  outputBytes?: number;
  connection?: DuckDBConnection;
  stopped: Promise<void>;
  stop: () => void;
}

const CATALOG = 'awsdatacatalog';
const TOKEN_LENGTH = { min: 32, max: 128 };
const MAX_RESULTS = 1000;

/**
 * An Amazon Athena protocol server (JSON 1.1, `AmazonAthena.*`) on 127.0.0.1
 * for the real `@aws-sdk/client-athena`, backed by an in-memory DuckDB whose
 * catalog is named `awsdatacatalog`, one schema per database:
 * StartQueryExecution (ClientRequestToken honoured: the same token answers
 * the same id and launches nothing; changed parameters under one token are
 * refused), GetQueryExecution (QUEUED → RUNNING → SUCCEEDED | FAILED |
 * CANCELLED, with DataScannedInBytes = the size of the registered CSV files
 * the query names), StopQueryExecution, GetQueryResults (paged, header row
 * first) and GetQueryRuntimeStatistics.
 *
 * Each result is written into the S3 emulator as Athena does:
 * `<OutputLocation><id>.csv` (every value and header double-quoted, NULL an
 * empty field) and `<id>.csv.metadata`. Athena's side file is a binary
 * protobuf; here it holds the same facts (the ResultSetMetadata column list)
 * as JSON: readers in this project only move and delete it.
 *
 * @example
 * const s3 = await startS3rver();
 * const athena = await startAthenaServer({ s3: s3.client });
 * await athena.registerTable('wildrydes', 'rydebookings', { csv: '/tmp/rydebookings.csv' });
 * const engine = new AthenaQueryEngine({ objects, endpoint: athena.endpoint, clientConfig: testClientConfig(athena.endpoint) });
 */
export async function startAthenaServer(options: AthenaServerOptions): Promise<AthenaTestServer> {
  const workGroups = options.workGroups ?? { primary: {} };
  const instance = await DuckDBInstance.create(':memory:');
  const admin = await instance.connect();
  await admin.run(`ATTACH ':memory:' AS ${CATALOG}`);
  const tables = new Map<string, AthenaTableSource>();
  const executions = new Map<string, Execution>();
  const byToken = new Map<string, Execution>();
  const failures: Array<Required<PlannedFailure>> = [];
  let hangs = 0;
  let holds = 0;
  const held = new Set<() => void>();
  let started = 0;
  const running = new Set<Promise<void>>();

  const find = (input: Record<string, unknown>): Execution => {
    const id = String(input.QueryExecutionId ?? '');
    const execution = executions.get(id);
    if (!execution) throw new ServiceError('InvalidRequestException', `QueryExecution ${id} was not found`, 400, { AthenaErrorCode: 'INVALID_INPUT' });
    return execution;
  };

  const server = await startJsonProtocolServer('AmazonAthena', {
    StartQueryExecution: (input) => {
      const token = input.ClientRequestToken === undefined ? undefined : String(input.ClientRequestToken);
      if (token !== undefined && (token.length < TOKEN_LENGTH.min || token.length > TOKEN_LENGTH.max)) {
        throw new ServiceError('InvalidRequestException', `ClientRequestToken must be ${TOKEN_LENGTH.min} to ${TOKEN_LENGTH.max} characters long`);
      }
      const request = startRequest(input, workGroups);
      const fingerprint = JSON.stringify([request.query, request.database, request.catalog, request.workGroup, request.folder]);
      const known = token === undefined ? undefined : byToken.get(token);
      if (known) {
        if (known.fingerprint !== fingerprint) throw new ServiceError('InvalidRequestException', 'Idempotent parameters do not match', 400, { AthenaErrorCode: 'INVALID_INPUT' });
        return { QueryExecutionId: known.id };
      }
      const id = randomUUID();
      let stop!: () => void;
      const stopped = new Promise<void>((resolve) => (stop = resolve));
      const execution: Execution = {
        ...request,
        id,
        token,
        fingerprint,
        outputLocation: `${request.folder}${id}.csv`,
        state: 'QUEUED',
        submitted: Date.now(),
        scannedBytes: 0,
        stopped,
        stop,
      };
      executions.set(id, execution);
      if (token !== undefined) byToken.set(token, execution);
      started += 1;
      const failure = failures.shift();
      const hang = hangs > 0;
      if (hang) hangs -= 1;
      const run = runExecution(execution, { failure, hang }).finally(() => running.delete(run));
      running.add(run);
      return { QueryExecutionId: id };
    },
    GetQueryExecution: (input) => ({ QueryExecution: describe(find(input)) }),
    StopQueryExecution: (input) => {
      const execution = find(input);
      if (execution.state === 'QUEUED' || execution.state === 'RUNNING') {
        execution.state = 'CANCELLED';
        execution.completed = Date.now();
        execution.connection?.interrupt();
        execution.stop();
      }
      return {};
    },
    GetQueryResults: (input) => {
      const execution = find(input);
      if (execution.state !== 'SUCCEEDED') {
        throw new ServiceError('InvalidRequestException', `Query has not yet finished. Current state: ${execution.state}`, 400, { AthenaErrorCode: 'INVALID_INPUT' });
      }
      const limit = typeof input.MaxResults === 'number' ? input.MaxResults : MAX_RESULTS;
      if (limit < 1 || limit > MAX_RESULTS) throw new ServiceError('InvalidRequestException', `MaxResults must be between 1 and ${MAX_RESULTS}`);
      const columns = execution.columns ?? [];
      const all = [columns.map((c) => c.Label), ...(execution.rows ?? [])];
      const p = page(all, input.NextToken, limit);
      return {
        UpdateCount: 0,
        ResultSet: {
          Rows: p.items.map((row) => ({ Data: row.map((v) => (v === null ? {} : { VarCharValue: v })) })),
          ResultSetMetadata: { ColumnInfo: columns.map((c) => ({ CatalogName: 'hive', SchemaName: '', TableName: '', Nullable: 'UNKNOWN', CaseSensitive: c.Type === 'varchar', ...c })) },
        },
        ...(p.next ? { NextToken: p.next } : {}),
      };
    },
    GetQueryRuntimeStatistics: (input) => {
      const execution = find(input);
      if (options.runtimeStatistics === false) {
        throw new ServiceError('InvalidRequestException', `Runtime statistics are not available for query ${execution.id}`, 400, { AthenaErrorCode: 'INVALID_INPUT' });
      }
      return {
        QueryRuntimeStatistics: {
          Timeline: timeline(execution),
          Rows: { InputRows: 0, InputBytes: execution.scannedBytes, OutputRows: execution.rows?.length ?? 0, OutputBytes: execution.outputBytes ?? 0 },
        },
      };
    },
  });

  async function runExecution(execution: Execution, plan: { failure: Required<PlannedFailure> | undefined; hang: boolean }): Promise<void> {
    const queued = (async () => {
      await new Promise((resolve) => setTimeout(resolve, options.queuedMs ?? 0));
      if (holds > 0) await new Promise<void>((resolve) => held.add(resolve));
    })();
    await Promise.race([queued, execution.stopped]);
    if (execution.state !== 'QUEUED') return;
    execution.state = 'RUNNING';
    execution.started = Date.now();
    if (plan.failure) return fail(execution, plan.failure);
    if (plan.hang) return execution.stopped;
    try {
      const result = await query(execution);
      if (execution.state !== 'RUNNING') return;
      execution.columns = result.columns;
      execution.rows = result.rows;
      execution.scannedBytes = result.scannedBytes;
      execution.outputBytes = await writeResult(execution, result.columns, result.rows);
      if (execution.state !== 'RUNNING') return;
      execution.state = 'SUCCEEDED';
      execution.completed = Date.now();
    } catch (e) {
      if (execution.state === 'RUNNING') fail(execution, e instanceof QueryFailure ? e.failure : userFailure(String((e as Error).message)));
    }
  }

  async function query(execution: Execution): Promise<{ columns: ColumnInfo[]; rows: Array<Array<string | null>>; scannedBytes: number }> {
    const connection = await instance.connect();
    execution.connection = connection;
    try {
      const database = (execution.database ?? 'default').toLowerCase();
      const exists = await connection.runAndReadAll(`SELECT 1 FROM duckdb_schemas() WHERE database_name = '${CATALOG}' AND schema_name = $1`, [database]);
      if (exists.currentRowCount === 0) throw new QueryFailure(userFailure(`SCHEMA_NOT_FOUND: Schema '${database}' does not exist`));
      await connection.run(`USE ${CATALOG}.${quoteIdent(database)}`);
      const statements = await connection.extractStatements(execution.query).catch((e: unknown) => {
        throw new QueryFailure(athenaReason(e));
      });
      if (statements.count !== 1) throw new QueryFailure(userFailure('Only one sql statement is allowed.'));
      const prepared = await statements.prepare(0).catch((e: unknown) => {
        throw new QueryFailure(athenaReason(e));
      });
      try {
        const type = prepared.statementType;
        if (type !== StatementType.SELECT && type !== StatementType.EXPLAIN) {
          throw new QueryFailure(userFailure('NOT_SUPPORTED: this test server runs only SELECT and EXPLAIN statements'));
        }
        const scannedBytes = await scanned(connection, execution.query, database);
        const result = await prepared.runAndReadAll().catch((e: unknown) => {
          throw new QueryFailure(athenaReason(e));
        });
        if (type === StatementType.EXPLAIN) {
          const plan = result.getRowsJS().flatMap((row) => String(row[1] ?? '').replace(/\n$/, '').split('\n'));
          return { columns: [{ Name: 'Query Plan', Label: 'Query Plan', Type: 'varchar', Precision: 0, Scale: 0 }], rows: plan.map((line) => [line]), scannedBytes: 0 };
        }
        const columns = result.columnNames().map((name, i) => columnInfo(name, result.columnTypes()[i]!.toString()));
        const rows = result.getRows().map((row) => row.map((v, i) => (v === null ? null : typeof v === 'number' && /^(double|float)$/.test(columns[i]!.Type) ? javaDouble(v) : String(v))));
        return { columns, rows, scannedBytes };
      } finally {
        prepared.destroySync();
      }
    } finally {
      execution.connection = undefined;
      connection.closeSync();
    }
  }

  /** Bytes of the registered CSV files the query names (DuckDB's own parse of it lists the table references). */
  async function scanned(connection: DuckDBConnection, sql: string, database: string): Promise<number> {
    const parsed = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
    const refs = new Set<string>();
    JSON.parse(String(parsed.getRowsJS()[0]?.[0] ?? '{}'), (_key, value: unknown) => {
      const v = value as { type?: string; schema_name?: string; table_name?: string } | null;
      if (v?.type === 'BASE_TABLE' && v.table_name) refs.add(`${(v.schema_name || database).toLowerCase()}.${v.table_name.toLowerCase()}`);
      return value;
    });
    let bytes = 0;
    for (const ref of refs) {
      const source = tables.get(ref);
      if (!source) continue;
      bytes += 'csv' in source ? (await fs.stat(source.csv)).size : (source.scannedBytes ?? 0);
    }
    return bytes;
  }

  async function writeResult(execution: Execution, columns: ColumnInfo[], rows: Array<Array<string | null>>): Promise<number> {
    const target = /^s3:\/\/([^/]+)\/(.*)$/.exec(execution.outputLocation)!;
    const [bucket, key] = [target[1]!, target[2]!];
    const csv = [columns.map((c) => c.Label), ...rows].map((row) => row.map(csvField).join(',') + '\n').join('');
    try {
      await options.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${key}.metadata`, Body: JSON.stringify({ ColumnInfo: columns }), ContentType: 'application/octet-stream' }));
      await options.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: csv, ContentType: 'text/csv' }));
    } catch (e) {
      const name = (e as Error).name;
      const reason = name === 'NoSuchBucket' ? `Unable to verify/create output bucket ${bucket}` : `Unable to write query results to ${execution.outputLocation}: ${name}: ${(e as Error).message}`;
      throw new QueryFailure({ reason, errorCategory: 2, errorType: 401, retryable: false });
    }
    return Buffer.byteLength(csv, 'utf8');
  }

  function fail(execution: Execution, failure: Required<PlannedFailure>): void {
    execution.state = 'FAILED';
    execution.failure = failure;
    execution.completed = Date.now();
  }

  function describe(execution: Execution): Record<string, unknown> {
    const failure = execution.failure;
    return {
      QueryExecutionId: execution.id,
      Query: execution.query,
      StatementType: /^\s*explain\b/i.test(execution.query) ? 'UTILITY' : 'DML',
      ResultConfiguration: { OutputLocation: execution.outputLocation },
      QueryExecutionContext: { ...(execution.database !== undefined ? { Database: execution.database } : {}), Catalog: execution.catalog },
      Status: {
        State: execution.state,
        SubmissionDateTime: execution.submitted / 1000,
        ...(execution.completed !== undefined ? { CompletionDateTime: execution.completed / 1000 } : {}),
        ...(failure ? { StateChangeReason: failure.reason, AthenaError: { ErrorCategory: failure.errorCategory, ErrorType: failure.errorType, Retryable: failure.retryable, ErrorMessage: failure.reason } } : {}),
        ...(execution.state === 'CANCELLED' ? { StateChangeReason: 'Query cancelled by user' } : {}),
      },
      Statistics: { ...timeline(execution), DataScannedInBytes: execution.scannedBytes },
      WorkGroup: execution.workGroup,
      EngineVersion: { SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3' },
    };
  }

  return {
    endpoint: server.endpoint,
    requests: server.requests,
    async registerTable(database, table, source) {
      const db = quoteIdent(database.toLowerCase());
      const body = 'csv' in source ? `SELECT * FROM read_csv(${quoteString(source.csv)}, header = true)` : source.sql;
      await admin.run(`CREATE SCHEMA IF NOT EXISTS ${CATALOG}.${db}`);
      await admin.run(`CREATE OR REPLACE VIEW ${CATALOG}.${db}.${quoteIdent(table.toLowerCase())} AS ${body}`);
      tables.set(`${database.toLowerCase()}.${table.toLowerCase()}`, source);
    },
    failNextQuery(failure = {}) {
      failures.push({ reason: failure.reason ?? 'GENERIC_USER_ERROR: the test asked this query to fail', errorCategory: failure.errorCategory ?? 2, errorType: failure.errorType ?? 1000, retryable: failure.retryable ?? false });
    },
    hangNextQuery() {
      hangs += 1;
    },
    holdQueued() {
      holds += 1;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        holds -= 1;
        if (holds > 0) return;
        for (const resume of held) resume();
        held.clear();
      };
    },
    queriesStarted: () => started,
    executions: () =>
      [...executions.values()].map((e) => ({ id: e.id, query: e.query, database: e.database, workGroup: e.workGroup, clientRequestToken: e.token, state: e.state, outputLocation: e.outputLocation })),
    failNext: (count, o) => server.failNext(count, o),
    async close() {
      for (const execution of executions.values()) {
        execution.connection?.interrupt();
        execution.stop();
      }
      await Promise.allSettled([...running]);
      await server.close();
      admin.closeSync();
      instance.closeSync();
    },
  };
}

/** A FAILED query's reason, carried out of the query's code path. */
class QueryFailure extends Error {
  constructor(readonly failure: Required<PlannedFailure>) {
    super(failure.reason);
  }
}

/** The parts of StartQueryExecution that say what runs where; the output folder from the request or the workgroup. */
function startRequest(input: Record<string, unknown>, workGroups: AthenaServerOptions['workGroups'] & object) {
  const query = String(input.QueryString ?? '');
  if (query.trim() === '') throw new ServiceError('InvalidRequestException', 'QueryString must not be empty');
  const workGroup = String(input.WorkGroup ?? 'primary');
  const group = workGroups[workGroup];
  if (!group) throw new ServiceError('InvalidRequestException', `WorkGroup ${workGroup} is not found.`, 400, { AthenaErrorCode: 'INVALID_INPUT' });
  const context = (input.QueryExecutionContext ?? {}) as { Database?: string; Catalog?: string };
  const location = (input.ResultConfiguration as { OutputLocation?: string } | undefined)?.OutputLocation ?? group.outputLocation;
  if (!location) {
    throw new ServiceError(
      'InvalidRequestException',
      'No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input.',
    );
  }
  if (!/^s3:\/\/[^/]+/.test(location)) throw new ServiceError('InvalidRequestException', `${location} is not a valid S3 location`);
  const folder = location.endsWith('/') ? location : `${location}/`;
  return { query, database: context.Database, catalog: context.Catalog ?? 'AwsDataCatalog', workGroup, folder };
}

/** Athena's words for what DuckDB refused: the error names Athena (Trino) gives the same mistakes. */
function athenaReason(e: unknown): Required<PlannedFailure> {
  const message = (e instanceof Error ? e.message : String(e)).replace(/^Failed to extract statements:\s*/, '');
  const head = message.split(/\n\s*\n/)[0] ?? message;
  const line = /^LINE (\d+):/m.exec(message)?.[1] ?? '1';
  const table = /Table with name "?(.+?)"? does not exist/.exec(head)?.[1];
  if (table !== undefined) return userFailure(`TABLE_NOT_FOUND: line ${line}:1: Table '${table}' does not exist`);
  const column = /Referenced column "?(.+?)"? not found/.exec(head)?.[1];
  if (column !== undefined) return userFailure(`COLUMN_NOT_FOUND: line ${line}:1: Column '${column}' cannot be resolved`);
  if (/^Parser Error/.test(head)) return userFailure(`SYNTAX_ERROR: line ${line}:1: ${head.replace(/^Parser Error:\s*/, '')}`);
  return userFailure(`GENERIC_USER_ERROR: ${head}`);
}

function userFailure(reason: string): Required<PlannedFailure> {
  return { reason, errorCategory: 2, errorType: 1000, retryable: false };
}

function timeline(execution: Execution): Record<string, number> {
  const end = execution.completed ?? Date.now();
  const queued = (execution.started ?? end) - execution.submitted;
  const engine = execution.started === undefined ? 0 : Math.max(1, end - execution.started);
  return { QueryQueueTimeInMillis: queued, EngineExecutionTimeInMillis: engine, TotalExecutionTimeInMillis: end - execution.submitted };
}

/** Athena's type names for DuckDB's. */
function columnInfo(name: string, duckType: string): ColumnInfo {
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(duckType);
  const types: Record<string, string> = { VARCHAR: 'varchar', BIGINT: 'bigint', INTEGER: 'integer', SMALLINT: 'smallint', TINYINT: 'tinyint', DOUBLE: 'double', FLOAT: 'float', BOOLEAN: 'boolean', DATE: 'date', TIMESTAMP: 'timestamp' };
  const type = decimal ? 'decimal' : (types[duckType] ?? duckType.toLowerCase());
  return { Name: name, Label: name, Type: type, Precision: decimal ? Number(decimal[1]) : 0, Scale: decimal ? Number(decimal[2]) : 0 };
}

/** A DOUBLE as Athena (Trino, Java's `Double.toString`) prints it: `7.0`, `12.5`, `1.0E7`, `1.5E-4`. */
function javaDouble(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(v);
  if (abs >= 1e-3 && abs < 1e7) {
    const plain = String(v);
    return plain.includes('.') ? plain : `${plain}.0`;
  }
  const [mantissa = '', exponent = '0'] = v.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** Athena quotes every field and doubles embedded quotes; NULL is an empty, unquoted field. */
function csvField(value: string | null): string {
  return value === null ? '' : `"${value.replace(/"/g, '""')}"`;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
