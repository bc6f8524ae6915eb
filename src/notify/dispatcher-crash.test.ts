import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureServer, waitFor } from '../../test/helpers/http-capture.js';
import { transpileSources } from '../../test/helpers/transpile-src.js';
import { SqliteStateStore } from '../adapters/sqlite/sqlite-state-store.js';
import type { OutboxDraft } from '../domain/notify/outbox.js';

// A dispatcher in a child process, over a temp SQLite file, killed with
// SIGKILL in the middle of delivering; a second one finishes the job.
const CHILD = `
import { SqliteStateStore } from './src/adapters/sqlite/sqlite-state-store.js';
import { systemClock } from './src/adapters/system/system-clock.js';
import { outboxSettingsSchema } from './src/domain/notify/outbox-settings.js';
import { AdapterDestinations } from './src/drivers/common/destinations.js';
import { startDispatcher } from './src/notify/dispatcher.js';
const [file, owner, url] = process.argv.slice(2);
// Entries keep only the destination's id: the child's "config" has the one webhook.
const directory = { find: async (ref) => ({ type: 'webhook', id: ref.id, url }) };
const store = SqliteStateStore.open(file);
const settings = outboxSettingsSchema.parse({ batchSize: 25, leaseSeconds: 1, pollMs: 20, backoff: { initialMs: 10, maxMs: 50 } });
startDispatcher({ outbox: store, destinations: new AdapterDestinations(), directory, clock: systemClock, settings, owner });
process.stdout.write('started\\n');
`;

describe('dispatcher killed with SIGKILL mid-delivery', () => {
  let dir: string;
  let server: CaptureServer;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adp-'));
    transpileSources(dir, ['adapters/sqlite/sqlite-state-store.ts', 'adapters/system/system-clock.ts', 'domain/notify/outbox-settings.ts', 'drivers/common/destinations.ts', 'notify/dispatcher.ts']);
    fs.writeFileSync(path.join(dir, 'child.mjs'), CHILD);
    server = await CaptureServer.start();
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const startChild = (owner: string) => {
    const child = spawn(process.execPath, [path.join(dir, 'child.mjs'), path.join(dir, 'state.db'), owner, `${server.url}/hook`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('exit', (code, signal) => {
      if (code !== null && code !== 0) throw new Error(`dispatcher child exited ${code}: ${stderr}`);
      void signal;
    });
    children.push(child);
    return child;
  };

  it('loses nothing; redeliveries carry the same id and the same body; order per curation holds (protocol-level HTTP capture server)', async () => {
    const store = SqliteStateStore.open(path.join(dir, 'state.db'));
    const destination = { type: 'webhook' as const, id: 'hook' };
    const drafts: OutboxDraft[] = Array.from({ length: 300 }, (_, i) => ({
      id: `ob-${String(i).padStart(4, '0')}`,
      destination,
      curationType: `c${i % 4}`,
      event: 'failure',
      payload: { id: `evt-${i}`, event: 'failure', curationType: `c${i % 4}`, occurredAt: new Date(i).toISOString(), consecutiveFailures: i },
    }));
    await store.applyAlerts(() => ({ entries: drafts, upsert: [], close: [] }));

    // The server answers the first 60 deliveries and holds every later one unanswered, so the kill lands
    // mid-delivery however fast or slow this machine is: requests in flight, more entries pending.
    let holding = true;
    server.handler = () => (holding && server.requests.length > 60 ? { hang: true } : { body: 'ok' });
    const first = startChild('first');
    await waitFor(() => server.requests.length > 60, 15_000, 'the first dispatcher to reach the held deliveries');
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const beforeRestart = server.requests.length;
    expect(beforeRestart).toBeLessThan(300);
    expect((await store.countOutbox()).pending).toBeGreaterThanOrEqual(300 - 60);
    holding = false;

    const second = startChild('second');
    await waitFor(async () => (await store.countOutbox()).pending === 0, 20_000, 'the second dispatcher to finish');
    second.kill('SIGKILL');
    expect(await store.countOutbox()).toEqual({ pending: 0, delivered: 300, dead: 0 });

    const received = server.requests.map((r) => ({ id: String(r.headers['x-adp-delivery']), body: r.body }));
    const byId = new Map<string, Set<string>>();
    for (const r of received) byId.set(r.id, (byId.get(r.id) ?? new Set()).add(r.body));
    // Nothing lost, nothing unknown, and a duplicate is the same delivery (same id, same body).
    expect([...byId.keys()].sort()).toEqual(drafts.map((d) => d.id));
    for (const [id, bodies] of byId) {
      expect(bodies.size, id).toBe(1);
      expect(JSON.parse([...bodies][0]!).id).toBe(`evt-${Number(id.slice(3))}`);
    }
    // First deliveries of each curation arrive in enqueue order.
    for (const c of ['c0', 'c1', 'c2', 'c3']) {
      const firstSeen = [...new Set(received.map((r) => r.id))].filter((id) => drafts.find((d) => d.id === id)!.curationType === c);
      expect(firstSeen).toEqual(drafts.filter((d) => d.curationType === c).map((d) => d.id));
    }
    await store.close();
  });
});
