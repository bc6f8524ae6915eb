import type { Catalog, TableInfo } from '../../ports/catalog.js';
import type { QualityCheck, QualityObservation } from '../../domain/quality-checks.js';
import { ConfigError } from '../../domain/errors.js';
import type { QueryEngine, QueryRequest, QueryStatus, RawResult, ScanEstimate } from '../../ports/query-engine.js';

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/**
 * A query engine that follows the catalog: the sandboxed engine only sees the
 * tables it was opened with, so when the catalog changes the next query gets
 * a fresh engine. Queries already running finish on the engine that started
 * them; a replaced engine closes once its last query has ended.
 */
export class CatalogFollowingEngine implements QueryEngine {
  readonly name: string;
  readonly #catalog: Catalog;
  readonly #open: (tables: TableInfo[]) => Promise<QueryEngine>;
  #current?: { signature: string; engine: Promise<QueryEngine> };
  /** Which engine owns each query still worth asking about. */
  readonly #owner = new Map<string, QueryEngine>();
  readonly #idByKey = new Map<string, string>();
  readonly #retiring = new Set<Promise<void>>();

  constructor(name: string, catalog: Catalog, open: (tables: TableInfo[]) => Promise<QueryEngine>) {
    this.name = name;
    this.#catalog = catalog;
    this.#open = open;
  }

  async start(request: QueryRequest): Promise<string> {
    const known = this.#idByKey.get(request.idempotencyKey);
    if (known !== undefined && this.#owner.has(known)) return known;
    const engine = await this.#engine();
    const id = await engine.start(request);
    this.#owner.set(id, engine);
    this.#idByKey.set(request.idempotencyKey, id);
    return id;
  }

  async status(queryExecutionId: string): Promise<QueryStatus> {
    const engine = this.#owner.get(queryExecutionId) ?? (await this.#engine());
    const status = await engine.status(queryExecutionId);
    if (TERMINAL.has(status.state)) this.#forget(queryExecutionId);
    return status;
  }

  async waitForEnd(queryExecutionId: string, maxWaitMs: number): Promise<void> {
    const engine = this.#owner.get(queryExecutionId);
    if (engine?.waitForEnd) await engine.waitForEnd(queryExecutionId, maxWaitMs);
  }

  async cancel(queryExecutionId: string): Promise<void> {
    await this.#owner.get(queryExecutionId)?.cancel(queryExecutionId);
  }

  async explain(sql: string, database: string): Promise<string> {
    return (await this.#engine()).explain(sql, database);
  }

  /** The scan estimate of the engine of the moment, or why it has none. */
  async estimateScanBytes(sql: string, database: string): Promise<ScanEstimate> {
    const engine = await this.#engine();
    if (!engine.estimateScanBytes) return { reason: `the ${engine.name} engine cannot tell the bytes a query scans before it runs` };
    return engine.estimateScanBytes(sql, database);
  }

  /** Quality checks on the engine of the moment (they read a finished result, not the catalog). */
  async checkResult(result: RawResult, checks: readonly QualityCheck[]): Promise<QualityObservation[]> {
    const engine = await this.#engine();
    if (!engine.checkResult) throw new ConfigError(`qualityChecks: the ${engine.name} query engine cannot run quality checks`);
    return engine.checkResult(result, checks);
  }

  /**
   * Starts opening the engine of the moment's catalog in the background, for a query about to come: its
   * first use then waits less. A failure to open is not reported here; that use meets it, as without this.
   */
  prepare(): void {
    this.#engine().catch(() => undefined);
  }

  async close(): Promise<void> {
    const current = this.#current;
    this.#current = undefined;
    await Promise.all(this.#retiring);
    if (current) await (await current.engine).close();
  }

  async #engine(): Promise<QueryEngine> {
    const tables = await this.#catalog.listTables();
    const signature = JSON.stringify(tables);
    if (this.#current?.signature !== signature) {
      const previous = this.#current;
      this.#current = { signature, engine: this.#open(tables) };
      if (previous) this.#retire(previous.engine);
    }
    return this.#current.engine;
  }

  #retire(enginePromise: Promise<QueryEngine>): void {
    const done = (async () => {
      const engine = await enginePromise;
      for (const [id, owner] of this.#owner) {
        if (owner !== engine) continue;
        while (!TERMINAL.has((await engine.status(id)).state)) await engine.waitForEnd?.(id, 1000);
      }
      await engine.close();
    })().finally(() => this.#retiring.delete(done));
    this.#retiring.add(done);
  }

  #forget(queryExecutionId: string): void {
    this.#owner.delete(queryExecutionId);
    for (const [key, id] of this.#idByKey) {
      if (id === queryExecutionId) {
        this.#idByKey.delete(key);
        break;
      }
    }
  }
}
