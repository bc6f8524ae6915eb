import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/helpers/fake-clock.js';
import { bulkReply, CaptureServer, waitFor, type CapturedRequest, type Reply } from '../../test/helpers/http-capture.js';
import { SqliteStateStore } from '../adapters/sqlite/sqlite-state-store.js';
import { systemClock } from '../adapters/system/system-clock.js';
import type { HistoryRecord, TerminalStatus } from '../domain/history.js';
import { outboxSettingsSchema } from '../domain/notify/outbox-settings.js';
import { alertPolicy } from '../domain/notify/notifications-config.js';
import { runAlertPlanner, type AlertPolicy } from '../domain/notify/plan-run-alerts.js';
import type { ConfigRouteInput } from '../domain/notify/routes.js';
import type { SinkConfig } from '../domain/notify/destinations.js';
import { AdapterDestinations } from '../drivers/common/destinations.js';
import { signWebhook } from '../adapters/webhook/signature.js';
import { policyDirectory } from './destination-directory.js';
import { dispatchOnce } from './dispatch-once.js';
import type { DispatcherDeps } from './dispatcher-deps.js';
import { startDispatcher } from './dispatcher.js';
import { deliverRunEntries } from './deliver-run-entries.js';

const T0 = Date.UTC(2027, 0, 4, 10, 0, 0);

function record(curationType: string, i: number, status: TerminalStatus): HistoryRecord {
  return {
    curationType,
    timestamp: T0 + i * 60_000,
    curationExecutionName: `run-${curationType}-${String(i).padStart(3, '0')}`,
    status,
    trigger: 'schedule',
    startedAt: new Date(T0 + i * 60_000 - 1000).toISOString(),
    durationMs: 1000,
    attempt: 1,
    engine: 'duckdb',
  };
}

describe('outbox dispatcher', () => {
  let dir: string;
  let store: SqliteStateStore;
  let server: CaptureServer;
  let logs: string[];
  let destinations: AdapterDestinations;
  /** The config as the dispatcher sees it now (tests change it between runs and deliveries). */
  let policy: AlertPolicy;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adp-'));
    store = SqliteStateStore.open(path.join(dir, 'state.db'));
    server = await CaptureServer.start();
    logs = [];
    destinations = new AdapterDestinations({ log: (l) => logs.push(l), secrets: { home: dir, env: {} } });
    policy = alertPolicy({ notifications: [], sinks: [] });
  });
  afterEach(async () => {
    await destinations.close();
    await server.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const deps = (settings: Record<string, unknown> = {}): DispatcherDeps => ({
    outbox: store,
    destinations,
    directory: { find: (ref, curationType) => policyDirectory(policy, store).find(ref, curationType) },
    clock: systemClock,
    owner: 'test',
    log: (l) => logs.push(l),
    settings: outboxSettingsSchema.parse({ pollMs: 10, leaseSeconds: 5, backoff: { initialMs: 10, maxMs: 40 }, ...settings }),
  });

  /** Finishes runs through the real store path: each record and its entries in one transaction. */
  async function finish(routes: ConfigRouteInput[], sinks: SinkConfig[], records: HistoryRecord[]): Promise<void> {
    policy = alertPolicy({ notifications: routes, sinks });
    for (const r of records) await store.finishRun(r, runAlertPlanner(policy));
  }

  const hook = (p: string, extra: Partial<ConfigRouteInput> = {}) =>
    ({ type: 'webhook', url: `${server.url}${p}`, events: ['success', 'failure'], repeatEvery: 0, ...extra }) as ConfigRouteInput;
  const deliveriesTo = (p: string) => server.requests.filter((r) => r.path === p).map((r) => String(r.headers['x-adp-delivery']));
  const bulkIds = () =>
    server.requests
      .filter((r) => r.path === '/_bulk')
      .flatMap((r) => r.body.split('\n').filter((l) => l.includes('"index"')).map((l) => (JSON.parse(l) as { index: { _id: string } }).index._id));

  it('destination down then up: everything delivered once, in order per curation (protocol-level HTTP capture server)', async () => {
    server.handler = (req): Reply => (req.path === '/_bulk' ? bulkReply(req) : req.path.startsWith('/_index_template') ? { body: { acknowledged: true } } : { body: 'ok' });
    const records = ['a', 'b', 'c'].flatMap((c) => Array.from({ length: 10 }, (_, i) => record(c, i, i % 3 === 0 ? 'failed' : 'succeeded')));
    await finish([hook('/hook')], [{ type: 'opensearch', node: server.url, index: 'History' }], records);
    const all = (await store.listOutbox({ limit: 1000 })).entries.reverse();
    expect(all).toHaveLength(60);

    await server.down();
    const dispatcher = startDispatcher(deps());
    await waitFor(async () => (await store.listOutbox({ limit: 1000, state: 'pending' })).entries.filter((e) => e.attempts >= 2).length >= 6, 5000, 'failed attempts');
    expect(server.requests).toEqual([]);
    expect((await store.countOutbox()).pending).toBe(60);
    expect((await store.listOutbox({ limit: 1000 })).entries.some((e) => /ECONNREFUSED/.test(e.lastError ?? ''))).toBe(true);

    await server.up();
    await waitFor(async () => (await store.countOutbox()).pending === 0, 10_000, 'the backlog to drain');
    await dispatcher.stop();
    expect(await store.countOutbox()).toEqual({ pending: 0, delivered: 60, dead: 0 });

    const hooks = all.filter((e) => e.destination.type === 'webhook');
    const delivered = deliveriesTo('/hook');
    expect([...delivered].sort()).toEqual(hooks.map((e) => e.id).sort());
    for (const c of ['a', 'b', 'c']) {
      const expected = hooks.filter((e) => e.curationType === c).map((e) => e.id);
      expect(delivered.filter((id) => expected.includes(id))).toEqual(expected);
    }
    const docs = bulkIds();
    expect(docs).toHaveLength(30);
    expect(new Set(docs)).toEqual(new Set(records.map((r) => `curationType=${r.curationType}|timestamp=${r.timestamp}`)));
  });

  it('500s and timeouts: retried with backoff, then dead-lettered after maxAttempts (protocol-level HTTP capture server)', async () => {
    server.handler = (req): Reply => (req.path === '/slow' ? { hang: true } : { status: 500, body: 'internal error' });
    await finish([hook('/fail'), hook('/slow', { timeoutSeconds: 0.2 })], [], [record('a', 0, 'failed'), record('a', 1, 'failed')]);
    const dispatcher = startDispatcher(deps({ maxAttempts: 3 }));
    await waitFor(async () => (await store.countOutbox()).dead === 4, 10_000, 'dead letters');
    await dispatcher.stop();
    const dead = (await store.listOutbox({ limit: 10, state: 'dead' })).entries;
    for (const e of dead) {
      expect(e.attempts).toBe(3);
      expect(server.requests.filter((r) => r.headers['x-adp-delivery'] === e.id)).toHaveLength(3);
      const path = server.requests.find((r) => r.headers['x-adp-delivery'] === e.id)?.path;
      expect(e.lastError).toMatch(path === '/slow' ? /gave up after 3 attempts: .*no answer within 0.2 s/ : /gave up after 3 attempts: .*HTTP 500: internal error/);
    }
    expect(logs.filter((l) => l.includes('dead-lettered'))).toHaveLength(4);
  });

  it('dead-letters a permanent failure at once and honours Retry-After on 429 (protocol-level HTTP capture server)', async () => {
    let throttled = 0;
    server.handler = (req): Reply => {
      if (req.path === '/gone') return { status: 410, body: 'no such hook' };
      if (throttled++ === 0) return { status: 429, headers: { 'retry-after': '1' } };
      return { body: 'ok' };
    };
    await finish([hook('/gone'), hook('/busy')], [], [record('a', 0, 'failed')]);
    // Time stands still unless the test moves it: how long the machine takes between two lines cannot matter.
    let at = Date.now();
    const d = { ...deps({ backoff: { initialMs: 10, maxMs: 5000 } }), clock: { now: () => new Date(at), sleep: systemClock.sleep } };
    const first = await dispatchOnce(d);
    expect(first).toMatchObject({ claimed: 2, delivered: 0, retried: 1, dead: 1 });
    const [busy] = (await store.listOutbox({ limit: 5, state: 'pending' })).entries;
    expect(Date.parse(busy!.nextAttemptAt) - at).toBe(1000);
    at += 999;
    expect((await dispatchOnce(d)).claimed).toBe(0);
    at += 1;
    const counts = await deliverRunEntries(d, 'run-a-000', 3000);
    expect(counts).toEqual({ pending: 0, delivered: 1, dead: 1 });
    expect(deliveriesTo('/gone')).toHaveLength(1);
  });

  it('batches history records into _bulk requests and settles each item by its own result (protocol-level _bulk endpoint)', async () => {
    const records = Array.from({ length: 250 }, (_, i) => record(`c${i % 5}`, i, 'succeeded'));
    const flaky = `curationType=${records[7]!.curationType}|timestamp=${records[7]!.timestamp}`;
    const broken = `curationType=${records[8]!.curationType}|timestamp=${records[8]!.timestamp}`;
    let flakyOnce = true;
    server.handler = (req: CapturedRequest): Reply => {
      if (req.path !== '/_bulk') return { body: { acknowledged: true } };
      return bulkReply(req, (id) => {
        if (id === broken) return 400;
        if (id === flaky && flakyOnce) {
          flakyOnce = false;
          return 429;
        }
        return 201;
      });
    };
    await finish([], [{ type: 'opensearch', node: server.url, index: 'History', batchSize: 100 }], records);
    const dispatcher = startDispatcher(deps({ batchSize: 100 }));
    await waitFor(async () => (await store.countOutbox()).pending === 0, 10_000, 'the sink backlog');
    await dispatcher.stop();
    expect(await store.countOutbox()).toEqual({ pending: 0, delivered: 249, dead: 1 });
    const bulks = server.requests.filter((r) => r.path === '/_bulk');
    expect(bulks.length).toBeGreaterThanOrEqual(3);
    expect(bulks.length).toBeLessThanOrEqual(5);
    expect(server.requests.filter((r) => r.path.startsWith('/_index_template'))).toHaveLength(1);
    expect(server.requests[0]!.path).toBe('/_index_template/adp-history');
    expect(bulkIds().filter((id) => id === flaky)).toHaveLength(2);
    const dead = (await store.listOutbox({ limit: 5, state: 'dead' })).entries;
    expect(dead[0]!.lastError).toMatch(/HTTP 400 mapper_parsing_exception/);
  });

  it('looks the destination up by id at delivery: a removed destination dead-letters its entries naming the id', async () => {
    await finish([hook('/hook', { name: 'ops-hook' })], [], [record('a', 0, 'succeeded')]);
    policy = alertPolicy({ notifications: [], sinks: [] });
    const report = await dispatchOnce(deps());
    expect(report).toMatchObject({ claimed: 1, dead: 1 });
    const [dead] = (await store.listOutbox({ limit: 5, state: 'dead' })).entries;
    expect(dead!.lastError).toMatch(/^destination 'ops-hook' is no longer configured/);
    expect(server.requests).toEqual([]);
  });

  it('reads a secret reference at each delivery: a rotated secret file signs the next delivery, no restart (protocol-level HTTP capture server)', async () => {
    const secretFile = path.join(dir, 'hook.secret');
    fs.writeFileSync(secretFile, 'first-secret\n');
    const route = hook('/hook', { secret: { file: 'hook.secret' } } as Partial<ConfigRouteInput>);
    await finish([route], [], [record('a', 0, 'succeeded')]);
    expect((await dispatchOnce(deps())).delivered).toBe(1);
    fs.writeFileSync(secretFile, 'second-secret\n');
    await finish([route], [], [record('a', 1, 'succeeded')]);
    expect((await dispatchOnce(deps())).delivered).toBe(1);
    const signatures = server.requests.map((r) => [r.headers['x-adp-signature'], signWebhook('first-secret', String(r.headers['x-adp-timestamp']), r.body), signWebhook('second-secret', String(r.headers['x-adp-timestamp']), r.body)]);
    expect(signatures[0]![0]).toBe(signatures[0]![1]);
    expect(signatures[1]![0]).toBe(signatures[1]![2]);
  });

  it('retries an entry whose secret reference cannot be read, naming the field and the variable, then delivers once it is set', async () => {
    const env: NodeJS.ProcessEnv = {};
    await destinations.close();
    destinations = new AdapterDestinations({ secrets: { home: dir, env } });
    await finish([hook('/hook', { secret: { env: 'HOOK_SECRET' } } as Partial<ConfigRouteInput>)], [], [record('a', 0, 'succeeded')]);
    expect((await dispatchOnce(deps())).retried).toBe(1);
    const [pending] = (await store.listOutbox({ limit: 5, state: 'pending' })).entries;
    expect(pending!.lastError).toMatch(/^destination 'webhook-[0-9a-f]{12}': secret: environment variable HOOK_SECRET is not set$/);
    env.HOOK_SECRET = 'now-set';
    await waitFor(async () => (await dispatchOnce(deps())).delivered === 1, 5000, 'delivery once the variable is set');
    expect(server.requests).toHaveLength(1);
  });

  it('stops promptly when idle and wakes on demand', async () => {
    // A clock that never moves: the dispatcher's 60 s idle pause ends only by wake() or stop(), so
    // delivering at all proves the wake, and stop() resolving proves it did not wait out the pause.
    const clock = new FakeClock(new Date());
    let pauses = 0;
    const d: DispatcherDeps = {
      ...deps({ pollMs: 60_000 }),
      clock: { now: () => clock.now(), sleep: (ms, signal) => (ms === 60_000 && pauses++, clock.sleep(ms, signal)) },
    };
    const dispatcher = startDispatcher(d);
    await waitFor(() => pauses === 1, 5000, 'the dispatcher to go idle');
    await finish([hook('/hook')], [], [record('a', 0, 'succeeded')]);
    expect(await store.countOutbox()).toMatchObject({ pending: 1, delivered: 0 });
    dispatcher.wake();
    await waitFor(async () => (await store.countOutbox()).delivered === 1, 5000, 'delivery after wake');
    await waitFor(() => pauses === 2, 5000, 'the dispatcher to go idle again');
    await dispatcher.stop();
    expect(pauses).toBe(2);
  });
});
