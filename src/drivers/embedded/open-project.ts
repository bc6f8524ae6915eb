import path from 'node:path';
import os from 'node:os';
import { GitScriptRepo } from '../../adapters/git/git-script-repo.js';
import { BucketPaths } from '../../adapters/localfs/bucket-paths.js';
import { JsonCatalog } from '../../adapters/localfs/json-catalog.js';
import { LocalObjectStore } from '../../adapters/localfs/local-object-store.js';
import { SqliteStateStore } from '../../adapters/sqlite/sqlite-state-store.js';
import { systemClock } from '../../adapters/system/system-clock.js';
import type { AdpConfig } from '../../domain/config.js';
import type { Clock } from '../../ports/clock.js';
import type { QueryEngine } from '../../ports/query-engine.js';
import type { EngineDeps, RunEvent } from '../../engine/engine-deps.js';
import type { HomeLayout } from './home.js';
import { loadConfig } from './load-config.js';
import { CatalogFollowingEngine } from './catalog-following-engine.js';
import { processStagingDir } from './process-staging.js';
import { alertPolicy } from '../../domain/notify/notifications-config.js';

/**
 * The embedded driver: DuckDB + SQLite + local folders + a local git repo,
 * all inside one project home. The query engine opens on first use, since
 * most commands never run a query.
 */
export class EmbeddedProject {
  readonly #queries: { engine?: Promise<QueryEngine>; staging?: Promise<{ dir: string; release(): Promise<void> }> } = {};

  private constructor(
    readonly home: HomeLayout,
    readonly config: AdpConfig,
    readonly state: SqliteStateStore,
    readonly catalog: JsonCatalog,
    readonly objects: LocalObjectStore,
    readonly scripts: GitScriptRepo,
    readonly clock: Clock,
  ) {}

  static async open(home: HomeLayout, options: { clock?: Clock } = {}): Promise<EmbeddedProject> {
    const config = await loadConfig(home.config);
    const state = SqliteStateStore.open(home.stateDb);
    const catalog = await JsonCatalog.open(home.catalog);
    const objects = new LocalObjectStore({ paths: new BucketPaths(home.buckets), attributes: state });
    const scripts = new GitScriptRepo({ dir: path.resolve(home.root, config.scripts.dir), branch: config.scripts.branch });
    return new EmbeddedProject(home, config, state, catalog, objects, scripts, options.clock ?? systemClock);
  }

  /** The DuckDB engine, sandboxed to the catalog's tables; reopened when the catalog changes. */
  queries(): Promise<QueryEngine> {
    this.#queries.engine ??= Promise.resolve(
      // DuckDB loads on first use: most commands never run a query, and its native module is slow to load.
      new CatalogFollowingEngine('duckdb', this.catalog, async (tables) =>
        (await import('../../adapters/duckdb/duckdb-query-engine.js')).DuckDbQueryEngine.open({
          paths: new BucketPaths(this.home.buckets),
          stagingDir: (await (this.#queries.staging ??= processStagingDir(this.home.staging))).dir,
          tables,
          memoryLimit: this.config.duckdb.memoryLimit,
          threads: this.config.duckdb.threads,
        }),
      ),
    );
    return this.#queries.engine;
  }

  async deps(onEvent?: (event: RunEvent) => void): Promise<EngineDeps> {
    return {
      state: this.state,
      queries: await this.queries(),
      catalog: this.catalog,
      objects: this.objects,
      scripts: this.scripts,
      clock: this.clock,
      settings: { retry: this.config.retry, poll: this.config.poll },
      workerId: `${os.hostname()}:${process.pid}`,
      onEvent,
      alerts: alertPolicy(this.config),
    };
  }

  async close(): Promise<void> {
    const { engine, staging } = this.#queries;
    this.#queries.engine = undefined;
    this.#queries.staging = undefined;
    if (engine) await (await engine).close();
    if (staging) await (await staging).release();
    await this.state.close();
  }
}
