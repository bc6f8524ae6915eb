import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { TransientError } from '../domain/errors.js';
import type { QueryEngine } from '../ports/query-engine.js';
import { cleanup } from '../../test/helpers/cli.js';
import { openExample } from '../../test/helpers/project.js';
import { override } from '../../test/helpers/override.js';
import { createRun } from './create-run.js';
import type { EngineDeps } from './engine-deps.js';
import { executeRun } from './run-workflow.js';

const TYPE = 'wildrydes-rydebooking';

/** Wraps the real engine so its first `failures` starts throw a retryable error (fault injection). */
function flakyStarts(engine: QueryEngine, failures: number): { queries: QueryEngine; starts: () => number } {
  let starts = 0;
  const queries = override(engine, {
    start: async (request) => {
      starts++;
      if (starts <= failures) throw new TransientError('engine throttled (injected)');
      return engine.start(request);
    },
  });
  return { queries, starts: () => starts };
}

describe('the run workflow', () => {
  const homes: string[] = [];
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    for (const home of homes.splice(0)) cleanup(home);
  });

  async function setup() {
    const ex = await openExample(60);
    homes.push(ex.home);
    closers.push(() => ex.project.close());
    return ex;
  }

  it('retries a retryable step failure and records the attempt', async () => {
    const { deps } = await setup();
    const { queries, starts } = flakyStarts(deps.queries, 2);
    const d = { ...deps, queries };
    const run = await createRun(d, { curationType: TYPE, trigger: 'manual' });
    const record = await executeRun(d, run.executionName);
    expect(record.status).toBe('succeeded');
    expect(record.attempt).toBe(3);
    expect(starts()).toBe(3);
  });

  it('gives up after maxAttempts and records the last error', async () => {
    const { deps } = await setup();
    const d = { ...deps, queries: flakyStarts(deps.queries, 99).queries };
    const run = await createRun(d, { curationType: TYPE, trigger: 'manual' });
    const record = await executeRun(d, run.executionName);
    expect(record).toMatchObject({ status: 'failed', error: 'TRANSIENT', attempt: 4 });
    expect(record.errorCause?.errorMessage).toBe('engine throttled (injected)');
  });

  it('resumes a run whose process died while its query ran: one query result, one record', async () => {
    const { deps, project } = await setup();
    const run = await createRun(deps, { curationType: TYPE, trigger: 'manual' });
    // Drive the run up to a started query, as a process that then died would have left it.
    const saved = await deps.state.getRun(run.executionName);
    await deps.state.saveRun({ ...saved!, status: 'running', step: 'awaitQuery', startedAt: new Date().toISOString(), context: { ...saved!.context } });
    const partial = await deps.state.getRun(run.executionName);
    // Unknown query id (the engine of the dead process is gone) → the run starts its query again.
    await deps.state.saveRun({
      ...partial!,
      context: {
        ...(await project.state.getCuration(TYPE).then((c) => ({ definition: c!.definition }))),
        sql: 'select * from wildrydes.rydebookings',
        queryExecutionId: '00000000-0000-0000-0000-000000000000',
        queryStartedAt: new Date().toISOString(),
      },
    });
    const record = await executeRun(deps, run.executionName);
    expect(record.status).toBe('succeeded');
    expect(record.athenaQueryExecutionId).not.toBe('00000000-0000-0000-0000-000000000000');
    expect(record.rowCount).toBe(60);
    expect(fs.existsSync(fileURLToPath(record.curationOutputLocation!))).toBe(true);
  });

  it('a run resumed after its record was written returns that record, never a second one', async () => {
    const { deps } = await setup();
    const run = await createRun(deps, { curationType: TYPE, trigger: 'manual' });
    const first = await executeRun(deps, run.executionName);
    const again = await executeRun(deps, run.executionName);
    expect(again).toEqual(first);
    const page = await deps.state.listHistory({ curationType: TYPE, limit: 10 });
    expect(page.records).toHaveLength(1);
  });

  it('a run stopped between publish and record finds its file published and records once', async () => {
    const { deps } = await setup();
    const run = await createRun(deps, { curationType: TYPE, trigger: 'manual' });
    // Let it publish, then pretend the process died before the record step ran.
    let stopAt: string | undefined;
    const d = {
      ...deps,
      state: override(deps.state, {
        saveRun: async (r) => {
          await deps.state.saveRun(r);
          if (r.step === 'record' && !stopAt) {
            stopAt = r.step;
            throw new Error('process died (injected)');
          }
        },
      }),
    };
    await expect(executeRun(d, run.executionName)).rejects.toThrow('process died');
    // Rewind to publishOutput to replay the step a crash would have interrupted right after its side effect.
    const left = await deps.state.getRun(run.executionName);
    await deps.state.saveRun({ ...left!, step: 'publishOutput' });
    const record = await executeRun(deps, run.executionName);
    expect(record.status).toBe('succeeded');
    expect(record.rowCount).toBe(60);
    expect((await deps.state.listHistory({ curationType: TYPE, limit: 10 })).records).toHaveLength(1);
  });
});
