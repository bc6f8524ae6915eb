import type { CurationDefinition } from '../../domain/curation.js';
import { StateError } from '../../domain/errors.js';
import type { HistoryRecord } from '../../domain/history.js';
import type { AlertPlan, Incident, IncidentPlanner, RunAlertPlanner } from '../../domain/notify/incidents.js';
import type { OutboxEntry } from '../../domain/notify/outbox.js';
import type { RunState } from '../../domain/run.js';
import type { ClaimRequest, OutboxCounts, OutboxOutcome, OutboxPage, OutboxQuery, OutboxStore } from '../../ports/outbox-store.js';
import type { HistoryPage, HistoryQuery, ObjectAttributes, StateStore, StoredCuration } from '../../ports/state-store.js';
import type { WakeSignal, WakeTopic } from '../../ports/wake-signal.js';
import { alertHook, alertLocks, applyPlan, lockAllIncidents } from './alert-plans.js';
import { checkSchemaName, clientConfig, connectFailure, createPool, type ConnectionSettings } from './connection.js';
import * as curations from './curations.js';
import { Database } from './database.js';
import * as history from './history.js';
import { listIncidents } from './incidents.js';
import { checkVersion, migrate } from './migrate.js';
import { MIGRATIONS } from './migrations.js';
import * as attributes from './object-attributes.js';
import * as outbox from './outbox.js';
import { PostgresSchedulingStore } from './postgres-scheduling-store.js';
import { RunCache } from './run-cache.js';
import * as runs from './runs.js';
import { WakeListener } from './wake-listener.js';
import { readTimeline } from './timeline.js';
import type { Timeline, TimelineQuery } from '../../domain/timeline.js';

/** Options of {@link PostgresStateStore.open}. */
export interface PostgresStateStoreOptions {
  /** postgres://user[:password]@host:port/database */
  readonly connectionString: string;
  /** Every table lives here, so several projects share one database; default `adp`. */
  readonly schema?: string;
  /** Source of createdAt/updatedAt stamps; defaults to the system time. */
  readonly now?: () => Date;
  /** Pooled connections (the wake listener has one more of its own); default 10. */
  readonly poolMax?: number;
  /** The server cancels a statement running longer; default 30,000. */
  readonly statementTimeoutMs?: number;
  /** Shown in pg_stat_activity; default `adp`. */
  readonly applicationName?: string;
  /** Create the schema and apply pending migrations (`adp migrate`); otherwise an old schema is an error. */
  readonly migrate?: boolean;
}

const DEFAULTS = {
  schema: 'adp',
  poolMax: 10,
  statementTimeoutMs: 30_000,
  applicationName: 'adp',
  migrate: false,
} satisfies Partial<PostgresStateStoreOptions>;

/**
 * The postgres driver's {@link StateStore} (and outbox, scheduler ports and
 * wake signal): every table in one schema of one database, shared by any
 * number of `adp serve` processes. Writes that must be atomic are
 * transactions; claims use row locks with SKIP LOCKED, so workers never wait
 * for each other's claims.
 *
 * @example
 * const store = await PostgresStateStore.open({ connectionString: process.env.ADP_DATABASE_URL!, migrate: true });
 * await store.putCuration(definition);
 * await store.close();
 */
export class PostgresStateStore implements StateStore, OutboxStore, WakeSignal {
  readonly #db: Database;
  readonly #now: () => Date;
  readonly #wake: WakeListener;
  /** The runs this process holds leases on and the records it has seen: reads that need no round trip. */
  readonly #cache = new RunCache();
  #closed = false;
  /** Tick claims, run leases and worker heartbeats on the same pool (the scheduler's ports). */
  readonly scheduling: PostgresSchedulingStore;
  /** The schema every table lives in. */
  readonly schema: string;

  private constructor(db: Database, wake: WakeListener, schema: string, now: () => Date) {
    this.#db = db;
    this.#wake = wake;
    this.#now = now;
    this.schema = schema;
    this.scheduling = new PostgresSchedulingStore(db, () => this.#live(), () => this.#stamp(), this.#cache);
  }

  /**
   * Connects, then migrates (`migrate: true`) or checks that the schema is
   * current.
   *
   * @throws EnvironmentError when the server cannot be reached or refuses the login (naming host:port/database,
   *   never the password), or when the schema is missing, older (run `adp migrate`) or newer (upgrade adp).
   * @throws ConfigError when `schema` is not a lower-case SQL identifier.
   */
  static async open(options: PostgresStateStoreOptions): Promise<PostgresStateStore> {
    const o = { ...DEFAULTS, ...withoutUndefined(options), connectionString: options.connectionString };
    checkSchemaName(o.schema);
    const settings: ConnectionSettings = {
      connectionString: o.connectionString,
      schema: o.schema,
      poolMax: o.poolMax,
      statementTimeoutMs: o.statementTimeoutMs,
      applicationName: o.applicationName,
    };
    const now = options.now ?? (() => new Date());
    const db = new Database(createPool(settings));
    try {
      await db.sql.one('SELECT 1').catch((e: unknown) => {
        throw connectFailure(e instanceof Error && e.cause !== undefined ? e.cause : e, o.connectionString);
      });
      if (o.migrate) await migrate(db, o.schema, MIGRATIONS, now);
      else await checkVersion(db.sql, o.schema, MIGRATIONS);
    } catch (e) {
      await db.end().catch(() => undefined);
      throw e;
    }
    const wake = new WakeListener(clientConfig(settings, `${o.applicationName}:wake`), o.schema);
    return new PostgresStateStore(db, wake, o.schema, now);
  }

  async putCuration(definition: CurationDefinition): Promise<StoredCuration> {
    return curations.putCuration(this.#sql(), definition, this.#stamp());
  }

  async getCuration(curationType: string): Promise<StoredCuration | undefined> {
    return curations.getCuration(this.#sql(), curationType);
  }

  async listCurations(): Promise<StoredCuration[]> {
    return curations.listCurations(this.#sql());
  }

  async deleteCuration(curationType: string): Promise<boolean> {
    return curations.deleteCuration(this.#sql(), curationType);
  }

  async createRun(run: RunState): Promise<void> {
    return runs.createRun(this.#sql(), run);
  }

  async saveRun(run: RunState): Promise<void> {
    const sql = this.#sql();
    this.#cache.saving(run.executionName);
    await runs.saveRun(sql, run);
    this.#cache.saved(run);
  }

  /** Answered from what this process last saved while it holds the run's lease (see {@link RunCache}), else read. */
  async getRun(executionName: string): Promise<RunState | undefined> {
    const sql = this.#sql();
    return this.#cache.run(executionName, this.#now().getTime()) ?? runs.getRun(sql, executionName);
  }

  async listActiveRuns(): Promise<RunState[]> {
    return runs.listActiveRuns(this.#sql());
  }

  async finishRun(record: HistoryRecord, alerts?: RunAlertPlanner): Promise<HistoryRecord> {
    this.#live();
    const now = this.#stamp();
    this.#cache.saving(record.curationExecutionName);
    // Without alerts, a new record is one statement; a collision goes the transaction's way.
    // With alerts, the alert locks go with BEGIN in one round trip.
    const type = record.curationType;
    const stored =
      (alerts === undefined ? await history.insertRecord(this.#db.sql, record, record.timestamp, now) : undefined) ??
      (alerts === undefined
        ? await this.#db.transaction((tx) => history.finishRecord(tx, record, now))
        : await this.#db.transaction((tx) => history.finishRecord(tx, record, now, alertHook(tx, alerts, now, type)), alertLocks(type)));
    this.#cache.finished(stored);
    return stored;
  }

  async listHistory(query: HistoryQuery): Promise<HistoryPage> {
    return history.listRecords(this.#sql(), query);
  }

  async historyTimeline(query: TimelineQuery): Promise<Timeline> {
    return readTimeline(this.#sql(), query);
  }

  /** A record this process wrote or read comes from memory: terminal records never change. */
  async getHistoryRecord(executionName: string): Promise<HistoryRecord | undefined> {
    const sql = this.#sql();
    const known = this.#cache.record(executionName);
    if (known) return known;
    const record = await history.getRecord(sql, executionName);
    if (record) this.#cache.finished(record);
    return record;
  }

  async putObjectAttributes(bucket: string, key: string, value: ObjectAttributes): Promise<void> {
    return attributes.putAttributes(this.#sql(), bucket, key, value);
  }

  async getObjectAttributes(bucket: string, key: string): Promise<ObjectAttributes | undefined> {
    return attributes.getAttributes(this.#sql(), bucket, key);
  }

  async deleteObjectAttributes(bucket: string, key: string): Promise<void> {
    return attributes.deleteAttributes(this.#sql(), bucket, key);
  }

  async applyAlerts(planner: IncidentPlanner): Promise<AlertPlan> {
    this.#live();
    const now = this.#stamp();
    return this.#db.transaction(async (tx) => {
      await lockAllIncidents(tx);
      const plan = planner(await listIncidents(tx));
      await applyPlan(tx, plan, now);
      return plan;
    });
  }

  async listIncidents(curationType?: string): Promise<Incident[]> {
    return listIncidents(this.#sql(), curationType);
  }

  async claimOutbox(request: ClaimRequest): Promise<OutboxEntry[]> {
    return outbox.claimEntries(this.#sql(), request);
  }

  async settleOutbox(owner: string, outcomes: readonly OutboxOutcome[], now: Date): Promise<void> {
    this.#live();
    await this.#db.transaction((tx) => outbox.settleEntries(tx, owner, outcomes, now));
  }

  async listOutbox(query: OutboxQuery): Promise<OutboxPage> {
    return outbox.listEntries(this.#sql(), query);
  }

  async getOutboxEntry(id: string): Promise<OutboxEntry | undefined> {
    return outbox.getEntry(this.#sql(), id);
  }

  async countOutbox(filter: { readonly executionName?: string } = {}): Promise<OutboxCounts> {
    return outbox.countEntries(this.#sql(), filter.executionName);
  }

  async retryDeadLetters(now: Date, ids?: readonly string[]): Promise<number> {
    return outbox.retryDeadEntries(this.#sql(), now, ids);
  }

  async pruneOutbox(before: Date): Promise<number> {
    return outbox.pruneEntries(this.#sql(), before);
  }

  /**
   * How many times a transaction ran again after a deadlock or serialization
   * failure (they are retried inside the store); a health figure that should stay near 0.
   */
  get conflictRetries(): number {
    return this.#db.conflictRetries;
  }

  /** Wakes `listener` when another process (or this one) queues a run or changes a curation; see {@link WakeListener}. */
  async subscribe(listener: (topic: WakeTopic) => void): Promise<() => Promise<void>> {
    this.#live();
    return this.#wake.subscribe(listener);
  }

  /** Ends the wake listener and the pool (after in-flight calls return); closing twice is harmless. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#wake.close();
    await this.#db.end();
  }

  #live(): void {
    if (this.#closed) throw new StateError('the state store is closed; open it again to use it');
  }

  #sql() {
    this.#live();
    return this.#db.sql;
  }

  #stamp(): string {
    return this.#now().toISOString();
  }
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
