import path from 'node:path';
import os from 'node:os';
import { GitScriptRepo } from '../../adapters/git/git-script-repo.js';
import { BucketPaths } from '../../adapters/localfs/bucket-paths.js';
import { JsonCatalog } from '../../adapters/localfs/json-catalog.js';
import { LocalObjectStore } from '../../adapters/localfs/local-object-store.js';
import type { AdpConfig } from '../../domain/config.js';
import { alertPolicy } from '../../domain/notify/notifications-config.js';
import type { EngineDeps, RunEvent } from '../../engine/engine-deps.js';
import type { Clock } from '../../ports/clock.js';
import type { QueryEngine } from '../../ports/query-engine.js';
import type { DriverName, Project, StateBackend } from '../project.js';
import { CatalogFollowingEngine } from './catalog-following-engine.js';
import type { HomeLayout } from './home.js';
import { processStagingDir } from './process-staging.js';

/**
 * A project whose lake lives in the home: `catalog.json`, `buckets/` (object
 * metadata and tags kept in the state backend), the `scripts/` git repository
 * and DuckDB. The embedded and postgres drivers differ only in `backend`;
 * several machines share such a home over a shared filesystem.
 */
export async function composeLocalProject(
  driver: DriverName,
  home: HomeLayout,
  config: AdpConfig,
  backend: StateBackend,
  clock: Clock,
): Promise<Project> {
  const catalog = await JsonCatalog.open(home.catalog);
  const objects = new LocalObjectStore({ paths: new BucketPaths(home.buckets), attributes: backend.state });
  const scripts = new GitScriptRepo({ dir: path.resolve(home.root, config.scripts.dir), branch: config.scripts.branch });
  const lazy: { engine?: Promise<QueryEngine>; staging?: Promise<{ dir: string; release(): Promise<void> }> } = {};

  const queries = (): Promise<QueryEngine> => {
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

  return {
    driver,
    home,
    config,
    state: backend.state,
    scheduling: backend.scheduling,
    wake: backend.wake,
    describe: backend.describe,
    catalog,
    objects,
    scripts,
    clock,
    queries,
    async deps(onEvent?: (event: RunEvent) => void): Promise<EngineDeps> {
      return {
        state: backend.state,
        queries: await queries(),
        catalog,
        objects,
        scripts,
        clock,
        settings: { retry: config.retry, poll: config.poll },
        workerId: `${os.hostname()}:${process.pid}`,
        onEvent,
        alerts: alertPolicy(config),
      };
    },
    async close(): Promise<void> {
      const { engine, staging } = lazy;
      lazy.engine = undefined;
      lazy.staging = undefined;
      if (engine) await (await engine).close();
      if (staging) await (await staging).release();
      await backend.close();
    },
  };
}
