import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRun } from '../../engine/create-run.js';
import { executeRun } from '../../engine/run-workflow.js';
import { cleanup } from '../../../test/helpers/cli.js';
import { commitScript } from '../../../test/helpers/git.js';
import { openExample } from '../../../test/helpers/project.js';
import type { QueryEngine, QueryRequest } from '../../ports/query-engine.js';
import { CatalogFollowingEngine } from './catalog-following-engine.js';

describe('the embedded query engine follows the catalog (real DuckDB, SQLite, git)', () => {
  const homes: string[] = [];
  afterEach(() => homes.splice(0).forEach(cleanup));

  it('a table added while the project is open is readable by the next run, in the same process', async () => {
    const { home, project, deps } = await openExample(20);
    homes.push(home);
    try {
      const first = await executeRun(deps, (await createRun(deps, { curationType: 'wildrydes-rydebooking', trigger: 'manual' })).executionName);
      expect(first.status).toBe('succeeded');

      fs.mkdirSync(path.join(home, 'buckets', 'late-data', 'prices'), { recursive: true });
      fs.writeFileSync(path.join(home, 'buckets', 'late-data', 'prices', 'p.csv'), 'sku,price\na,1\nb,2\nc,3\n');
      await project.catalog.putTable({ database: 'shop', name: 'prices', location: { bucket: 'late-data', prefix: 'prices' }, format: 'csv', hivePartitioning: false });
      commitScript(home, 'shop/prices.sql', 'select * from prices');
      const def = (await project.state.getCuration('wildrydes-rydebooking'))!.definition;
      await project.state.putCuration({ ...def, curationType: 'prices', sqlFilePath: 'shop/prices.sql', glueDetails: { database: 'shop', tables: ['prices'] } });

      const second = await executeRun(deps, (await createRun(deps, { curationType: 'prices', trigger: 'manual' })).executionName);
      expect(second.status).toBe('succeeded');
      expect(second.rowCount).toBe(3);
    } finally {
      await project.close();
    }
  });
});

describe('CatalogFollowingEngine.prepare', () => {
  const catalog = { listTables: async () => [] } as unknown as ConstructorParameters<typeof CatalogFollowingEngine>[1];
  const engine = (): QueryEngine => ({ name: 'fake', start: async () => 'q1', status: async () => ({ state: 'RUNNING' }), cancel: async () => {}, explain: async () => '', close: async () => {} }) as QueryEngine;

  it('opens the engine of the moment in the background, once: the first query uses it', async () => {
    let opened = 0;
    const following = new CatalogFollowingEngine('fake', catalog, async () => (opened++, engine()));
    following.prepare();
    await new Promise((resolve) => setImmediate(resolve));
    expect(opened).toBe(1);
    expect(await following.start({ idempotencyKey: 'k' } as QueryRequest)).toBe('q1');
    expect(opened).toBe(1);
    await following.close();
  });

  it('reports nothing itself when opening fails: the first query meets the error, as without it', async () => {
    const following = new CatalogFollowingEngine('fake', catalog, async () => {
      throw new Error('no engine');
    });
    following.prepare();
    await new Promise((resolve) => setImmediate(resolve));
    await expect(following.start({ idempotencyKey: 'k' } as QueryRequest)).rejects.toThrow('no engine');
  });
});
