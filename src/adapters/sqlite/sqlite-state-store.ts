import type { CurationDefinition } from '../../domain/curation.js';
import { EnvironmentError, StateError } from '../../domain/errors.js';
import type { HistoryRecord } from '../../domain/history.js';
import type { RunState } from '../../domain/run.js';
import type { Timeline, TimelineQuery } from '../../domain/timeline.js';
import type { AlertPlan, Incident, IncidentPlanner, RunAlertPlanner } from '../../domain/notify/incidents.js';
import type { OutboxEntry } from '../../domain/notify/outbox.js';
import type { ClaimRequest, OutboxCounts, OutboxOutcome, OutboxPage, OutboxQuery, OutboxStore } from '../../ports/outbox-store.js';
import type { HistoryPage, HistoryQuery, ObjectAttributes, StateStore, StoredCuration } from '../../ports/state-store.js';
import { openConnection, openFailure, type SqliteDatabase } from './connection.js';
import { CurationTable } from './curations.js';
import { HistoryTable } from './history.js';
import { HistoryTimeline } from './timeline.js';
import { migrate, olderSchemaError, schemaStatus } from './migrate.js';
import { MIGRATIONS } from './migrations.js';
import { ObjectAttributeTable } from './object-attributes.js';
import { RunTable } from './runs.js';
import { applyPlan } from './alert-plans.js';
import { IncidentTable } from './incidents.js';
import { OutboxTable } from './outbox.js';
import { SqliteSchedulingStore } from './sqlite-scheduling-store.js';

/** Options of {@link SqliteStateStore.open}. */
export interface SqliteStateStoreOptions {
  /** Source of createdAt/updatedAt stamps; defaults to the system time. */
  readonly now?: () => Date;
  /**
   * Only read (commands that change nothing): the file is opened read-only
   * and not migrated, so a home the user may not write still answers.
   */
  readonly readonly?: boolean;
}

/**
 * The embedded driver's {@link StateStore}: one SQLite file (`state.db` in the
 * project home). Several processes may share the file; every write that must
 * be atomic runs in an IMMEDIATE transaction.
 *
 * @example
 * const store = SqliteStateStore.open(path.join(home, 'state.db'));
 * await store.putCuration(definition);
 * await store.close();
 */
export class SqliteStateStore implements StateStore, OutboxStore {
  readonly #db: SqliteDatabase;
  readonly #now: () => Date;
  readonly #curations: CurationTable;
  readonly #runs: RunTable;
  readonly #history: HistoryTable;
  readonly #timeline: HistoryTimeline;
  readonly #attributes: ObjectAttributeTable;
  readonly #outbox: OutboxTable;
  readonly #incidents: IncidentTable;
  /** Tick claims, run leases and worker heartbeats on the same connection (the scheduler's ports). */
  readonly scheduling: SqliteSchedulingStore;

  private constructor(db: SqliteDatabase, now: () => Date) {
    this.#db = db;
    this.#now = now;
    this.#curations = new CurationTable(db);
    this.#runs = new RunTable(db);
    this.#history = new HistoryTable(db);
    this.#timeline = new HistoryTimeline(db);
    this.#attributes = new ObjectAttributeTable(db);
    this.#outbox = new OutboxTable(db);
    this.#incidents = new IncidentTable(db);
    this.scheduling = new SqliteSchedulingStore(db, this.#runs, this.#history, (alerts) => this.#planner(alerts, this.#stamp()));
  }

  /**
   * Opens or creates the store at `file` (`':memory:'` for a throwaway one) and
   * applies pending migrations.
   *
   * @throws ConfigError if the file cannot be opened, is not a database, or was written by a newer adp.
   * @throws EnvironmentError if the file or its folder may not be written (or, read-only, its schema is older than this adp).
   */
  static open(file: string, options: SqliteStateStoreOptions = {}): SqliteStateStore {
    const now = options.now ?? (() => new Date());
    if (options.readonly) return SqliteStateStore.#openReadOnly(file, now);
    const db = openConnection(file);
    try {
      migrate(db, MIGRATIONS, now);
      return new SqliteStateStore(db, now);
    } catch (e) {
      db.close();
      throw openFailure(e, file);
    }
  }

  static #openReadOnly(file: string, now: () => Date): SqliteStateStore {
    const db = openConnection(file, { readonly: true });
    let schema: ReturnType<typeof schemaStatus>;
    try {
      schema = schemaStatus(db, file);
    } catch (e) {
      db.close();
      throw openFailure(e, file);
    }
    if (schema.status === 'current') return new SqliteStateStore(db, now);
    db.close();
    // An upgraded adp on a home it may write migrates on first use, as every other command does.
    try {
      return SqliteStateStore.open(file, { now });
    } catch (e) {
      if (e instanceof EnvironmentError) throw olderSchemaError(file, schema.current, schema.latest, e);
      throw e;
    }
  }

  /** The database file (`':memory:'` for an in-memory store). */
  get file(): string {
    return this.#db.name;
  }

  async putCuration(definition: CurationDefinition): Promise<StoredCuration> {
    return this.#live().#curations.put(definition, this.#stamp());
  }

  async getCuration(curationType: string): Promise<StoredCuration | undefined> {
    return this.#live().#curations.get(curationType);
  }

  async listCurations(): Promise<StoredCuration[]> {
    return this.#live().#curations.list();
  }

  async deleteCuration(curationType: string): Promise<boolean> {
    return this.#live().#curations.delete(curationType);
  }

  async createRun(run: RunState): Promise<void> {
    this.#live().#runs.create(run);
  }

  async saveRun(run: RunState): Promise<void> {
    this.#live().#runs.save(run);
  }

  async getRun(executionName: string): Promise<RunState | undefined> {
    return this.#live().#runs.get(executionName);
  }

  async listActiveRuns(): Promise<RunState[]> {
    return this.#live().#runs.listActive();
  }

  async finishRun(record: HistoryRecord, alerts?: RunAlertPlanner): Promise<HistoryRecord> {
    const now = this.#live().#stamp();
    return this.#history.finish(record, now, alerts && this.#planner(alerts, now));
  }

  /** The outbox entries and incident changes `alerts` plans for a record just stored, written in its transaction. */
  #planner(alerts: RunAlertPlanner, now: string): (stored: HistoryRecord) => void {
    return (stored) => applyPlan(this.#outbox, this.#incidents, alerts(stored, this.#incidents.list(stored.curationType)), now);
  }

  async listHistory(query: HistoryQuery): Promise<HistoryPage> {
    return this.#live().#history.list(query);
  }

  async getHistoryRecord(executionName: string): Promise<HistoryRecord | undefined> {
    return this.#live().#history.get(executionName);
  }

  async historyTimeline(query: TimelineQuery): Promise<Timeline> {
    return this.#live().#timeline.read(query);
  }

  async putObjectAttributes(bucket: string, key: string, attributes: ObjectAttributes): Promise<void> {
    this.#live().#attributes.put(bucket, key, attributes);
  }

  async getObjectAttributes(bucket: string, key: string): Promise<ObjectAttributes | undefined> {
    return this.#live().#attributes.get(bucket, key);
  }

  async deleteObjectAttributes(bucket: string, key: string): Promise<void> {
    this.#live().#attributes.delete(bucket, key);
  }

  async applyAlerts(planner: IncidentPlanner): Promise<AlertPlan> {
    const now = this.#live().#stamp();
    return this.#outbox.transaction(() => {
      const plan = planner(this.#incidents.list());
      applyPlan(this.#outbox, this.#incidents, plan, now);
      return plan;
    });
  }

  async listIncidents(curationType?: string): Promise<Incident[]> {
    return this.#live().#incidents.list(curationType);
  }

  async claimOutbox(request: ClaimRequest): Promise<OutboxEntry[]> {
    const outbox = this.#live().#outbox;
    return outbox.transaction(() => outbox.claim(request));
  }

  async settleOutbox(owner: string, outcomes: readonly OutboxOutcome[], now: Date): Promise<void> {
    const outbox = this.#live().#outbox;
    outbox.transaction(() => outbox.settle(owner, outcomes, now));
  }

  async listOutbox(query: OutboxQuery): Promise<OutboxPage> {
    return this.#live().#outbox.list(query);
  }

  async getOutboxEntry(id: string): Promise<OutboxEntry | undefined> {
    return this.#live().#outbox.get(id);
  }

  async countOutbox(filter: { readonly executionName?: string } = {}): Promise<OutboxCounts> {
    return this.#live().#outbox.counts(filter.executionName);
  }

  async retryDeadLetters(now: Date, ids?: readonly string[]): Promise<number> {
    const outbox = this.#live().#outbox;
    return outbox.transaction(() => outbox.retryDead(now, ids));
  }

  async pruneOutbox(before: Date): Promise<number> {
    return this.#live().#outbox.prune(before);
  }

  /** Closes the file; closing twice is harmless. */
  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  #live(): this {
    if (!this.#db.open) throw new StateError('the state store is closed; open it again to use it');
    return this;
  }

  #stamp(): string {
    return this.#now().toISOString();
  }
}
