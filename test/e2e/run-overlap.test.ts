import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../../src/adapters/sqlite/sqlite-state-store.js';
import type { RunState } from '../../src/domain/run.js';
import { adp, cleanup, exampleHome } from '../helpers/cli.js';
import { writeDefinition } from '../helpers/definitions.js';
import { commitScript } from '../helpers/git.js';
import { ADP_BIN, pause, runAdpProcess } from '../helpers/serve-process.js';

// Real `adp run --wait` processes on one home. The first runs a query that
// never ends by itself; the second starts once the first is seen running in
// state.db (an event, not a delay), so the overlap decision is always tested
// against a run in flight.

const FOREVER_SQL = 'select count(*) from range(1000000000) a, range(1000000000) b';

describe('overlap holds for runs started by hand (real processes, one home)', () => {
  let home: string;
  let state: SqliteStateStore;

  beforeAll(async () => {
    home = await exampleHome(20);
    commitScript(home, 'tests/forever.sql', FOREVER_SQL);
    for (const [curationType, overlap] of [['forever', undefined], ['forever-queued', 'queue']] as const) {
      const file = writeDefinition(home, { curationType, sqlFilePath: 'tests/forever.sql', enabled: false, ...(overlap ? { overlap } : {}) });
      expect((await adp(['--home', home, 'curation', 'put', file])).code).toBe(0);
      fs.rmSync(file);
    }
    state = SqliteStateStore.open(path.join(home, 'state.db'));
  });
  afterAll(async () => {
    await state.close();
    cleanup(home);
  });

  async function runsOf(type: string): Promise<RunState[]> {
    return (await state.listActiveRuns()).filter((r) => r.curationType === type);
  }

  /** Starts `adp run <type> --wait` and resolves once its run is running in state.db. */
  async function startForever(type: string) {
    const child = spawn(process.execPath, [ADP_BIN, '--home', home, 'run', type, '--wait'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let running: RunState | undefined;
    while (!running) {
      running = (await runsOf(type)).find((r) => r.status === 'running');
      if (!running) await pause(50);
    }
    return { running, stop: async () => (child.kill('SIGKILL'), await exited) };
  }

  it('overlap skip (the default): a second `adp run --wait` exits 3 naming the active run; nothing stored for it', async () => {
    const first = spawn(process.execPath, [ADP_BIN, '--home', home, 'run', 'forever', '--wait'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise((resolve) => first.once('exit', resolve));
    try {
      let running: RunState | undefined;
      while (!running) {
        running = (await runsOf('forever')).find((r) => r.status === 'running');
        if (!running) await pause(50);
      }

      const second = await runAdpProcess(['--home', home, 'run', 'forever', '--wait']);

      expect(second.code, second.stderr).toBe(3);
      expect(second.stderr.trim()).toBe(
        `adp: not started: run ${running.executionName} of forever is still running and the curation's overlap is skip; ` +
          'wait for it to end (adp history), or set "overlap": "queue" or "cancelRunning" in the definition',
      );
      expect((await runsOf('forever')).map((r) => r.executionName)).toEqual([running.executionName]);
      expect((await state.listHistory({ curationType: 'forever', limit: 10 })).records).toEqual([]);
    } finally {
      first.kill('SIGKILL');
      await exited;
    }
  });

  it('overlap queue: `adp runs cancel` ends a run queued behind a running one at once (cancelled, with its record); the running one goes on', async () => {
    const first = await startForever('forever-queued');
    try {
      const queued = await runAdpProcess(['--home', home, 'run', 'forever-queued']);
      expect(queued.code, queued.stderr).toBe(0);
      const second = queued.stdout.trim();
      expect(queued.stderr).toContain(`forever-queued: waiting behind ${first.running.executionName} (overlap: queue)`);

      const cancelled = await runAdpProcess(['--home', home, 'runs', 'cancel', second]);

      expect(cancelled.code, cancelled.stderr).toBe(0);
      expect(cancelled.stdout.trim()).toBe(`${second}: cancelled`);
      const record = await state.getHistoryRecord(second);
      expect(record).toMatchObject({ curationExecutionName: second, status: 'cancelled', error: 'QUERY_CANCELLED', failedStep: 'retrieve' });
      expect(record?.athenaQueryExecutionId).toBeUndefined();
      // The run it waited behind is untouched: still running in its process, not asked to cancel, no record.
      expect((await runsOf('forever-queued')).map((r) => [r.executionName, r.status, r.leaseOwner])).toEqual([
        [first.running.executionName, 'running', first.running.leaseOwner],
      ]);
      expect(await state.scheduling.cancelRequests([first.running.executionName])).toEqual(new Map());
      expect(await state.getHistoryRecord(first.running.executionName)).toBeUndefined();
    } finally {
      await first.stop();
    }
  });
});
