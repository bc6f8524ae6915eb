import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { CurationDefinition } from '../../../domain/curation.js';
import { StateError } from '../../../domain/errors.js';
import type { HistoryRecord } from '../../../domain/history.js';
import type { AlertPlan, Incident, IncidentPlanner, RunAlertPlanner } from '../../../domain/notify/incidents.js';
import type { OutboxEntry } from '../../../domain/notify/outbox.js';
import type { RunState } from '../../../domain/run.js';
import type { ClaimRequest, OutboxCounts, OutboxOutcome, OutboxPage, OutboxQuery, OutboxStore } from '../../../ports/outbox-store.js';
import type { HistoryPage, HistoryQuery, ObjectAttributes, StateStore, StoredCuration } from '../../../ports/state-store.js';
import { listIncidents, planItems, readIncidents } from './alert-plans.js';
import * as curations from './curations.js';
import { DynamoDb } from './dynamo-db.js';
import { DynamoSchedulingStore } from './dynamo-scheduling-store.js';
import { checkTables, ensureTables, type EnsureReport } from './ensure-tables.js';
import * as history from './history.js';
import * as attributes from './object-attributes.js';
import * as outbox from './outbox.js';
import { AGAIN, commit, optimistic, type Tables } from './retry-conflicts.js';
import * as runs from './runs.js';
import { tableNames, type TableNames } from './table-layout.js';
import { readTimeline } from './timeline.js';
import type { Timeline, TimelineQuery } from '../../../domain/timeline.js';

/** Where the tables are and how to reach them; what is not given comes from the AWS SDK's standard chain. */
export interface DynamoConnectionOptions {
  /** Table names are `{prefix}curationDetails`, `{prefix}curationHistory`, `{prefix}adpState` (the sample's prefix is e.g. `wildrydes-dev-`). */
  readonly prefix: string;
  /** A client of the caller's (it stays the caller's to destroy); otherwise one is made from the options below. */
  readonly client?: DynamoDBClient;
  /** Default: the SDK's chain (`AWS_REGION`, profile). */
  readonly region?: string;
  /** Default: the SDK's chain (`AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL`), else the regional endpoint. */
  readonly endpoint?: string;
  /** Default: the SDK's chain (environment, profile, instance role). */
  readonly credentials?: DynamoDBClientConfig['credentials'];
  /** SDK attempts per call, throttling included; default the SDK's (3). */
  readonly maxAttempts?: number;
  /** Any other client settings (the fields above win over the same ones here). */
  readonly clientConfig?: DynamoDBClientConfig;
}

/** Options of {@link DynamoStateStore.open}. */
export interface DynamoStateStoreOptions extends DynamoConnectionOptions {
  /** Source of createdAt/updatedAt stamps; defaults to the system time. */
  readonly now?: () => Date;
  /** Create missing tables and indexes first (`adp migrate`); otherwise missing ones are an EnvironmentError. */
  readonly migrate?: boolean;
}

/**
 * The aws driver's {@link StateStore} (and outbox and scheduler ports) on
 * DynamoDB: the sample's `curationDetails` and `curationHistory` tables,
 * whose items stay readable by the sample's Lambdas and its stream
 * consumers, and adp's own single table `adpState`. Writes that must be
 * atomic are TransactWriteItems with conditions on what was read; a
 * cancelled transaction is read again and retried.
 *
 * @example
 * const store = await DynamoStateStore.open({ prefix: 'wildrydes-dev-', region: 'eu-west-1' });
 * await store.putCuration(definition);
 * await store.close();
 */
export class DynamoStateStore implements StateStore, OutboxStore {
  readonly #t: Tables;
  readonly #now: () => Date;
  /** Tick claims, run leases and worker heartbeats on the same tables (the scheduler's ports). */
  readonly scheduling: DynamoSchedulingStore;
  readonly tables: TableNames;

  private constructor(t: Tables, now: () => Date) {
    this.#t = t;
    this.#now = now;
    this.tables = t.names;
    this.scheduling = new DynamoSchedulingStore(() => this.#tables(), () => this.#stamp());
  }

  /**
   * Connects and checks the three tables exist with adp's indexes (or,
   * with `migrate`, creates what is missing).
   *
   * @throws EnvironmentError when a table or index is missing (run `adp migrate`), or DynamoDB refuses the credentials.
   * @throws ConfigError when the prefix cannot be part of a table name.
   */
  static async open(options: DynamoStateStoreOptions): Promise<DynamoStateStore> {
    const names = tableNames(options.prefix);
    const db = await connect(options);
    try {
      if (options.migrate) await ensureTables(db, names);
      else await checkTables(db, names);
    } catch (e) {
      db.close();
      throw e;
    }
    return new DynamoStateStore({ db, names }, options.now ?? (() => new Date()));
  }

  /**
   * Creates the three tables and adp's indexes where absent and waits until
   * they are ACTIVE; indexes history items the sample wrote. Idempotent
   * (`adp migrate`).
   */
  static async ensureTables(options: DynamoConnectionOptions): Promise<EnsureReport> {
    const names = tableNames(options.prefix);
    const db = await connect(options);
    try {
      return await ensureTables(db, names);
    } finally {
      db.close();
    }
  }

  async putCuration(definition: CurationDefinition): Promise<StoredCuration> {
    return curations.putCuration(this.#tables(), definition, this.#stamp());
  }

  async getCuration(curationType: string): Promise<StoredCuration | undefined> {
    return curations.getCuration(this.#tables(), curationType);
  }

  async listCurations(): Promise<StoredCuration[]> {
    return curations.listCurations(this.#tables());
  }

  async deleteCuration(curationType: string): Promise<boolean> {
    return curations.deleteCuration(this.#tables(), curationType);
  }

  async createRun(run: RunState): Promise<void> {
    return runs.createRun(this.#tables(), run);
  }

  async saveRun(run: RunState): Promise<void> {
    return runs.saveRun(this.#tables(), run);
  }

  async getRun(executionName: string): Promise<RunState | undefined> {
    return runs.getRun(this.#tables(), executionName);
  }

  async listActiveRuns(): Promise<RunState[]> {
    return runs.listActiveRuns(this.#tables());
  }

  async finishRun(record: HistoryRecord, alerts?: RunAlertPlanner): Promise<HistoryRecord> {
    return history.finishRecord(this.#tables(), record, this.#stamp(), alerts);
  }

  async listHistory(query: HistoryQuery): Promise<HistoryPage> {
    return history.listRecords(this.#tables(), query);
  }

  async getHistoryRecord(executionName: string): Promise<HistoryRecord | undefined> {
    return history.getRecord(this.#tables(), executionName);
  }

  async historyTimeline(query: TimelineQuery): Promise<Timeline> {
    return readTimeline(this.#tables(), query);
  }

  async putObjectAttributes(bucket: string, key: string, value: ObjectAttributes): Promise<void> {
    return attributes.putAttributes(this.#tables(), bucket, key, value);
  }

  async getObjectAttributes(bucket: string, key: string): Promise<ObjectAttributes | undefined> {
    return attributes.getAttributes(this.#tables(), bucket, key);
  }

  async deleteObjectAttributes(bucket: string, key: string): Promise<void> {
    return attributes.deleteAttributes(this.#tables(), bucket, key);
  }

  async applyAlerts(planner: IncidentPlanner): Promise<AlertPlan> {
    const t = this.#tables();
    const now = this.#stamp();
    return optimistic('applying alerts', async () => {
      const snapshot = await readIncidents(t);
      const plan = planner(snapshot.incidents);
      return (await commit(t.db, await planItems(t, plan, snapshot, now))) === AGAIN ? AGAIN : plan;
    });
  }

  async listIncidents(curationType?: string): Promise<Incident[]> {
    return listIncidents(this.#tables(), curationType);
  }

  async claimOutbox(request: ClaimRequest): Promise<OutboxEntry[]> {
    return outbox.claimEntries(this.#tables(), request);
  }

  async settleOutbox(owner: string, outcomes: readonly OutboxOutcome[], now: Date): Promise<void> {
    return outbox.settleEntries(this.#tables(), owner, outcomes, now);
  }

  async listOutbox(query: OutboxQuery): Promise<OutboxPage> {
    return outbox.listEntries(this.#tables(), query);
  }

  async getOutboxEntry(id: string): Promise<OutboxEntry | undefined> {
    return outbox.getEntry(this.#tables(), id);
  }

  async countOutbox(filter: { readonly executionName?: string } = {}): Promise<OutboxCounts> {
    return outbox.countEntries(this.#tables(), filter.executionName);
  }

  async retryDeadLetters(now: Date, ids?: readonly string[]): Promise<number> {
    return outbox.retryDeadEntries(this.#tables(), now, ids);
  }

  async pruneOutbox(before: Date): Promise<number> {
    return outbox.pruneEntries(this.#tables(), before);
  }

  /** Destroys the client if the store made it; closing twice is harmless. Later calls throw StateError. */
  async close(): Promise<void> {
    this.#t.db.close();
  }

  #tables(): Tables {
    if (this.#t.db.closed) throw new StateError('the DynamoDB state store is closed; open it again to use it');
    return this.#t;
  }

  #stamp(): string {
    return this.#now().toISOString();
  }
}

async function connect(options: DynamoConnectionOptions): Promise<DynamoDb> {
  const owned = options.client === undefined;
  const client =
    options.client ??
    new DynamoDBClient({
      ...options.clientConfig,
      ...(options.region ? { region: options.region } : {}),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    });
  const given = options.endpoint ?? options.clientConfig?.endpoint;
  const endpoint = typeof given === 'string' ? given : await describeEndpoint(client);
  return new DynamoDb(client, { owned, endpoint });
}

/** Where the client sends requests, for messages ("… does not exist at <here>"). */
async function describeEndpoint(client: DynamoDBClient): Promise<string> {
  const region = await client.config.region().catch(() => undefined);
  const configured = await client.config.endpoint?.().catch(() => undefined);
  if (configured) return `${configured.protocol}//${configured.hostname}${configured.port ? `:${configured.port}` : ''}${configured.path ?? ''}`;
  return `DynamoDB in ${region ?? 'the default region'}`;
}
