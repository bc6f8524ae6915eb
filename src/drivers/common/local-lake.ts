import { BucketPaths } from '../../adapters/localfs/bucket-paths.js';
import { JsonCatalog } from '../../adapters/localfs/json-catalog.js';
import { LocalObjectStore } from '../../adapters/localfs/local-object-store.js';
import type { AdpConfig } from '../../domain/config.js';
import type { DuckDBInstance } from '@duckdb/node-api';
import type { QueryEngine } from '../../ports/query-engine.js';
import type { Lake, QueryHeadStart, StateBackend } from '../project.js';
import { CatalogFollowingEngine } from './catalog-following-engine.js';
import type { HomeLayout } from './home.js';
import { processStagingDir } from './process-staging.js';
import { openScripts } from './open-scripts.js';

type DuckDbModule = typeof import('../../adapters/duckdb/duckdb-query-engine.js');

// DuckDB loads on first use: most commands never run a query, and its native module is slow to load.
const loadDuckDb = (): Promise<DuckDbModule> => import('../../adapters/duckdb/duckdb-query-engine.js');

/** DuckDB's module loading and an instance starting on its own threads, ahead of the engine that takes it over. */
class DuckDbStart implements QueryHeadStart {
  #instance: Promise<DuckDBInstance> | undefined;

  constructor() {
    // The engine's own loadDuckDb() later gets this same module: import() loads a module once.
    this.#instance = loadDuckDb().then((m) => m.DuckDbQueryEngine.startInstance());
    // A failure to load is met, and reported, where the engine opens.
    this.#instance.catch(() => undefined);
  }

  /** The instance, once: the engine that takes it closes it. */
  take(): Promise<DuckDBInstance> | undefined {
    const instance = this.#instance;
    this.#instance = undefined;
    return instance;
  }

  async discard(): Promise<void> {
    (await this.take()?.catch(() => undefined))?.closeSync();
  }
}

/** The local lake's `startQueries` (see DriverModule): DuckDB's native library, then an instance. */
export function startLocalQueries(): QueryHeadStart {
  return new DuckDbStart();
}

/**
 * A lake that lives in the home: `catalog.json`, `buckets/` (object metadata
 * and tags kept in the state backend), the scripts repository and DuckDB.
 * The embedded and postgres drivers share it; several machines share such a
 * home over a shared filesystem.
 */
export async function openLocalLake(
  home: HomeLayout,
  config: AdpConfig,
  backend: StateBackend,
  options: { env?: NodeJS.ProcessEnv; headStart?: QueryHeadStart } = {},
): Promise<Lake> {
  const catalog = await JsonCatalog.open(home.catalog);
  const objects = new LocalObjectStore({ paths: new BucketPaths(home.buckets), attributes: backend.state });
  const scripts = await openScripts(home, config, { env: options.env });
  /** Started by startLocalQueries (OpenOptions.runsQueries); the first engine opened takes its instance over. */
  const start = options.headStart instanceof DuckDbStart ? options.headStart : undefined;
  const lazy: { engine?: Promise<CatalogFollowingEngine>; staging?: Promise<{ dir: string; release(): Promise<void> }> } = {};

  const engine = (): Promise<CatalogFollowingEngine> => {
    lazy.engine ??= Promise.resolve(
      new CatalogFollowingEngine('duckdb', catalog, async (tables) => {
        // The staging folder is made while the module loads.
        const [{ DuckDbQueryEngine }, staging] = await Promise.all([loadDuckDb(), (lazy.staging ??= processStagingDir(home.staging))]);
        return DuckDbQueryEngine.open({
          paths: new BucketPaths(home.buckets),
          stagingDir: staging.dir,
          tables,
          memoryLimit: config.duckdb.memoryLimit,
          threads: config.duckdb.threads,
          instance: start?.take(),
        });
      }),
    );
    return lazy.engine;
  };
  const queries = (): Promise<QueryEngine> => engine();
  // A run is coming: the engine opens now, in the background, on the instance already starting.
  if (start) void engine().then((e) => e.prepare());

  return {
    catalog,
    objects,
    scripts,
    queries,
    async close(): Promise<void> {
      const { engine, staging } = lazy;
      lazy.engine = undefined;
      lazy.staging = undefined;
      try {
        // The engine first: an open under way takes the early instance, so none is started only to be closed.
        if (engine) await (await engine).close();
      } finally {
        // Closes the early instance only if no engine took it.
        await start?.discard();
      }
      if (staging) await (await staging).release();
    },
  };
}
