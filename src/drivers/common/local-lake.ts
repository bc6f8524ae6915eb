import { BucketPaths } from '../../adapters/localfs/bucket-paths.js';
import { JsonCatalog } from '../../adapters/localfs/json-catalog.js';
import { LocalObjectStore } from '../../adapters/localfs/local-object-store.js';
import type { AdpConfig } from '../../domain/config.js';
import type { DuckDBInstance } from '@duckdb/node-api';
import type { QueryEngine } from '../../ports/query-engine.js';
import type { Lake, StateBackend } from '../project.js';
import { CatalogFollowingEngine } from './catalog-following-engine.js';
import type { HomeLayout } from './home.js';
import { processStagingDir } from './process-staging.js';
import { openScripts } from './open-scripts.js';

type DuckDbModule = typeof import('../../adapters/duckdb/duckdb-query-engine.js');

/**
 * A lake that lives in the home: `catalog.json`, `buckets/` (object metadata
 * and tags kept in the state backend), the scripts repository and DuckDB.
 * The embedded and postgres drivers share it; several machines share such a
 * home over a shared filesystem.
 */
export async function openLocalLake(home: HomeLayout, config: AdpConfig, backend: StateBackend, options: { env?: NodeJS.ProcessEnv } = {}): Promise<Lake> {
  const catalog = await JsonCatalog.open(home.catalog);
  const objects = new LocalObjectStore({ paths: new BucketPaths(home.buckets), attributes: backend.state });
  const scripts = await openScripts(home, config, { env: options.env });
  const lazy: {
    module?: Promise<DuckDbModule>;
    /** Started by prepareQueries; the first engine opened takes it over. */
    instance?: Promise<DuckDBInstance>;
    engine?: Promise<CatalogFollowingEngine>;
    staging?: Promise<{ dir: string; release(): Promise<void> }>;
  } = {};
  // DuckDB loads on first use: most commands never run a query, and its native module is slow to load.
  const duckdb = (): Promise<DuckDbModule> => (lazy.module ??= import('../../adapters/duckdb/duckdb-query-engine.js'));

  const engine = (): Promise<CatalogFollowingEngine> => {
    lazy.engine ??= Promise.resolve(
      new CatalogFollowingEngine('duckdb', catalog, async (tables) => {
        const [{ DuckDbQueryEngine }, staging] = await Promise.all([duckdb(), (lazy.staging ??= processStagingDir(home.staging))]);
        const instance = lazy.instance;
        lazy.instance = undefined;
        return DuckDbQueryEngine.open({
          paths: new BucketPaths(home.buckets),
          stagingDir: staging.dir,
          tables,
          memoryLimit: config.duckdb.memoryLimit,
          threads: config.duckdb.threads,
          instance,
        });
      }),
    );
    return lazy.engine;
  };
  const queries = (): Promise<QueryEngine> => engine();

  return {
    catalog,
    objects,
    scripts,
    queries,
    async prepareQueries(): Promise<void> {
      // Resolves once DuckDB is loaded and an instance is starting on its own threads: what the caller does
      // next (claiming the run, reading its script) overlaps that start instead of waiting for it later.
      try {
        const { DuckDbQueryEngine } = await duckdb();
        lazy.instance ??= DuckDbQueryEngine.startInstance();
      } catch {
        // The query meets the same failure, and reports it as before.
      }
      void engine().then((e) => e.prepare());
    },
    async close(): Promise<void> {
      const { engine, staging, instance } = lazy;
      lazy.engine = undefined;
      lazy.staging = undefined;
      lazy.instance = undefined;
      if (instance) (await instance.catch(() => undefined))?.closeSync();
      if (engine) await (await engine).close();
      if (staging) await (await staging).release();
    },
  };
}
