import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRun } from '../../engine/create-run.js';
import { executeRun } from '../../engine/run-workflow.js';
import { cleanup, exampleHome } from '../../../test/helpers/cli.js';
import { openProject } from '../open-project.js';
import { homeLayout } from './home.js';

describe('the local lake with a head start on DuckDB (OpenOptions.runsQueries; real DuckDB, SQLite, git)', () => {
  const homes: string[] = [];
  afterEach(() => homes.splice(0).forEach(cleanup));

  it('runs a curation on the instance started before the state opened, and closes cleanly', async () => {
    const home = await exampleHome(20);
    homes.push(home);
    const project = await openProject(homeLayout(home), { runsQueries: true });
    try {
      const deps = await project.deps();
      const record = await executeRun(deps, (await createRun({ ...deps, queue: project.scheduling }, { curationType: 'wildrydes-rydebooking', trigger: 'manual' })).executionName);
      expect(record.status).toBe('succeeded');
      expect(record.rowCount).toBe(20);
    } finally {
      await project.close();
    }
  });

  it('a head start no query used is closed with the project; a project opened again runs queries', async () => {
    const home = await exampleHome(5);
    homes.push(home);
    for (let i = 0; i < 3; i++) {
      const project = await openProject(homeLayout(home), { runsQueries: true });
      await project.close();
    }
    const project = await openProject(homeLayout(home), { runsQueries: true });
    try {
      const deps = await project.deps();
      const record = await executeRun(deps, (await createRun({ ...deps, queue: project.scheduling }, { curationType: 'wildrydes-rydebooking', trigger: 'manual' })).executionName);
      expect(record.status).toBe('succeeded');
    } finally {
      await project.close();
    }
  });

  it('a state that cannot open fails as without a head start, naming the file', async () => {
    const home = await exampleHome(5);
    homes.push(home);
    fs.writeFileSync(path.join(home, 'state.db'), 'not a database, just text that is long enough to have a header');
    await expect(openProject(homeLayout(home), { runsQueries: true })).rejects.toThrow(/state database '.*state\.db'/);
  });
});
