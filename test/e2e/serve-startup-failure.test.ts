import net from 'node:net';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../../src/adapters/sqlite/sqlite-state-store.js';
import { adp, cleanup, exampleHome } from '../helpers/cli.js';
import { runAdpProcess } from '../helpers/serve-process.js';

// A real `adp serve` process whose port is held by another listener: it must
// stop everything it started and exit by itself (before the fix it kept
// running with a closed state store, so awaiting its exit is the check).

describe('adp serve when its port is taken (real process)', () => {
  let home: string;
  let blocker: net.Server;
  let port: number;

  beforeAll(async () => {
    home = await exampleHome(30);
    blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    port = (blocker.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    cleanup(home);
  });

  it('exits 2 with one line naming the port and --port 0, leaving the queued run queued', async () => {
    const queued = await adp(['--home', home, 'run', 'wildrydes-rydebooking', '--json']);
    expect(queued.code, queued.stderr).toBe(0);
    const executionName = (JSON.parse(queued.stdout) as { curationExecutionName: string }).curationExecutionName;

    const r = await runAdpProcess(['--home', home, 'serve', '--port', String(port)]);

    expect(r.code).toBe(2);
    const errLines = r.stderr.trim().split('\n');
    expect(errLines).toEqual([`adp: port ${port} on 127.0.0.1 is already in use: stop what listens there, or pick another port (--port 0 picks a free one)`]);
    expect(r.stdout + r.stderr).not.toMatch(/internal error|outbox:|state store is closed/);

    const state = SqliteStateStore.open(path.join(home, 'state.db'));
    try {
      // Nothing claimed, recorded or registered by the server that never started.
      expect((await state.getRun(executionName))?.status).toBe('queued');
      expect(await state.getHistoryRecord(executionName)).toBeUndefined();
      expect(await state.scheduling.listWorkers(new Date(0).toISOString())).toEqual([]);
    } finally {
      await state.close();
    }
  });
});
