import { BucketPaths } from '../../adapters/localfs/bucket-paths.js';
import { JsonCatalog } from '../../adapters/localfs/json-catalog.js';
import { LocalObjectStore } from '../../adapters/localfs/local-object-store.js';
import type { AdpConfig } from '../../domain/config.js';
import type { QueryEngine } from '../../ports/query-engine.js';
import type { Lake, StateBackend } from '../project.js';
import { CatalogFollowingEngine } from './catalog-following-engine.js';
import type { HomeLayout } from './home.js';
import { processStagingDir } from './process-staging.js';
import { openScripts } from './open-scripts.js';

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
  const lazy: { engine?: Promise<CatalogFollowingEngine>; staging?: Promise<{ dir: string; release(): Promise<void> }> } = {};

  const engine = (): Promise<CatalogFollowingEngine> => {
    lazy.engine ??= Promise.resolve(
      // DuckDB loads on first use: most commands never run a query, and its native module is slow to load.
      new CatalogFollowingEngine('duckdb', catalog, async (tables) =>
        (await import('../../adapters/duckdb/duckdb-query-engine.js')).DuckDbQueryEngine.open({
          paths: new BucketPaths(home.buckets),
          stagingDir: (await (lazy.staging ??= processStagingDir(home.staging))).dir,
          tables,
          memoryLimit: config.duckdb.memoryLimit,
          threads: config.duckdb.threads,
        }),
      ),
    );
    return lazy.engine;
  };
  const queries = (): Promise<QueryEngine> => engine();

  return {
    catalog,
    objects,
    scripts,
    queries,
    prepareQueries(): void {
      void engine().then((e) => e.prepare());
    },
    async close(): Promise<void> {
      const { engine, staging } = lazy;
      lazy.engine = undefined;
      lazy.staging = undefined;
      if (engine) await (await engine).close();
      if (staging) await (await staging).release();
    },
  };
}
