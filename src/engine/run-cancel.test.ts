import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from '../../test/helpers/cli.js';
import { commitScript } from '../../test/helpers/git.js';
import { openExample } from '../../test/helpers/project.js';
import { createRun } from './create-run.js';
import type { EngineDeps, RunEvent } from './engine-deps.js';
import { executeRun } from './run-workflow.js';

const SLOW_SQL = 'select count(*) from range(1000000000) a, range(1000000000) b';

describe('cancelling a run through executeRun({ signal })', () => {
  const homes: string[] = [];
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    for (const home of homes.splice(0)) cleanup(home);
  });

  /** The example home with a curation `slow` whose query runs for minutes unless stopped. */
  async function slowCuration(): Promise<Awaited<ReturnType<typeof openExample>>['deps']> {
    const ex = await openExample(20);
    homes.push(ex.home);
    closers.push(() => ex.project.close());
    commitScript(ex.home, 'tests/slow.sql', SLOW_SQL);
    const sample = (await ex.project.state.getCuration('wildrydes-rydebooking'))!.definition;
    await ex.project.state.putCuration({ ...sample, curationType: 'slow', sqlFilePath: 'tests/slow.sql' });
    return ex.deps;
  }

  it('stops a running query and records cancelled, promptly', async () => {
    const deps = await slowCuration();
    const events: string[] = [];
    const d = { ...deps, onEvent: (e: RunEvent) => events.push(e.message) };
    const run = await createRun(d, { curationType: 'slow', trigger: 'manual' });
    const controller = new AbortController();
    const pending = executeRun(d, run.executionName, { signal: controller.signal });
    // Wait until the query is running, then cancel.
    for (let i = 0; i < 200 && (await d.state.getRun(run.executionName))?.step !== 'awaitQuery'; i++) await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    controller.abort();
    const record = await pending;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(record).toMatchObject({ status: 'cancelled', error: 'QUERY_CANCELLED', errorCause: { errorType: 'QueryCancelledError' } });
    expect(record.athenaQueryExecutionId).toBeDefined();
    expect(record.curationOutputLocation).toBeUndefined();
    expect((await d.state.getRun(run.executionName))?.status).toBe('cancelled');
    expect((await d.queries.status(record.athenaQueryExecutionId!)).state).toBe('CANCELLED');
  });

  it('a run cancelled before it starts never starts a query and still gets its one record', async () => {
    const deps = await slowCuration();
    const run = await createRun(deps, { curationType: 'slow', trigger: 'manual' });
    const record = await executeRun(deps, run.executionName, { signal: AbortSignal.abort() });
    expect(record).toMatchObject({ status: 'cancelled', error: 'QUERY_CANCELLED', curationExecutionName: run.executionName });
    expect(record.errorCause?.errorMessage).toMatch(/before step retrieve/);
    expect(record.athenaQueryExecutionId).toBeUndefined();
    expect(await executeRun(deps, run.executionName)).toStrictEqual(record);
  });

  it('an unaborted signal changes nothing', async () => {
    const deps = await slowCuration();
    const sample = (await deps.state.getCuration('wildrydes-rydebooking'))!.definition;
    const run = await createRun(deps, { curationType: sample.curationType, trigger: 'manual' });
    const record = await executeRun(deps, run.executionName, { signal: new AbortController().signal });
    expect(record.status).toBe('succeeded');
  });
});
