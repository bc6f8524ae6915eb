import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adp, cleanup, exampleHome } from '../helpers/cli.js';
import { bulkReply, CaptureServer, type Reply } from '../helpers/http-capture.js';

function configure(home: string, patch: Record<string, unknown>): void {
  const file = path.join(home, 'adp.config.json');
  fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), ...patch }, null, 2));
}

describe('notifications and the history sink from the command line (protocol-level HTTP capture server)', () => {
  let home: string;
  let server: CaptureServer;

  beforeAll(async () => {
    home = await exampleHome(50);
    server = await CaptureServer.start((req): Reply => {
      if (req.path === '/_bulk') return bulkReply(req);
      if (req.path.includes('template')) return { body: { acknowledged: true } };
      if (req.path === '/gone') return { status: 410, body: 'gone' };
      return { body: 'ok' };
    });
  });
  afterAll(async () => {
    await server.close();
    cleanup(home);
  });

  it('`adp run --wait` delivers the run’s notification and history document before it exits', async () => {
    configure(home, {
      publicUrl: 'https://adp.example.com',
      notifications: [{ type: 'webhook', url: `${server.url}/hook`, secret: 'shh', events: ['success', 'failure'] }],
      sinks: [{ type: 'opensearch', node: server.url, index: 'wildrydes-dev-curationHistory' }],
    });
    const r = await adp(['--home', home, 'run', 'wildrydes-rydebooking', '--wait', '--json']);
    expect(r.code).toBe(0);
    const record = JSON.parse(r.stdout);
    const hook = server.requests.find((q) => q.path === '/hook');
    expect(JSON.parse(hook!.body)).toMatchObject({
      event: 'success',
      curationType: 'wildrydes-rydebooking',
      executionName: record.curationExecutionName,
      rowCount: 50,
      outputLocation: record.curationOutputLocation,
      runUrl: `https://adp.example.com/runs/${record.curationExecutionName}`,
    });
    const bulk = server.requests.find((q) => q.path === '/_bulk')!.body.trim().split('\n').map((l) => JSON.parse(l));
    expect(bulk[0].index).toEqual({ _index: 'wildrydes-dev-curationhistory', _id: `curationType=wildrydes-rydebooking|timestamp=${record.timestamp}` });
    expect(bulk[1]).toMatchObject({ curationExecutionName: record.curationExecutionName, '@timestamp': new Date(record.timestamp).toISOString() });
    const list = await adp(['--home', home, 'outbox', 'list', '--state', 'delivered', '--json']);
    const listed = JSON.parse(list.stdout);
    expect(listed.counts).toEqual({ pending: 0, delivered: 2, dead: 0 });
    expect(listed.entries.map((e: { destination: Record<string, unknown> }) => Object.keys(e.destination).sort())).toEqual([['id', 'type'], ['id', 'type']]);
  });

  it('shows dead letters in `adp outbox list` and queues them again with `adp outbox retry`', async () => {
    configure(home, { notifications: [{ type: 'webhook', url: `${server.url}/gone`, events: ['success'] }], sinks: [] });
    const r = await adp(['--home', home, 'run', 'wildrydes-rydebooking', '--wait']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/dead-lettered: webhook .* answered HTTP 410: gone/);
    const list = await adp(['--home', home, 'outbox', 'list']);
    expect(list.stderr).toMatch(/outbox: 0 pending, 1 dead, 2 delivered/);
    const [, row] = list.stdout.trim().split('\n');
    expect(row).toMatch(/^ob-\S+\s+dead\s+success\s+wildrydes-rydebooking\s+webhook-[0-9a-f]{12}\s+1\s+webhook http:\S+ answered HTTP 410: gone$/);
    expect((await adp(['--home', home, 'outbox', 'retry'])).code).toBe(2);
    const retry = await adp(['--home', home, 'outbox', 'retry', row!.split(/\s+/)[0]!]);
    expect(retry.stderr).toMatch(/1 entry queued for delivery again/);
    expect(JSON.parse((await adp(['--home', home, 'outbox', 'list', '--json'])).stdout).counts).toEqual({ pending: 1, delivered: 2, dead: 0 });
  });

  it('leaves what it could not deliver within outbox.runWaitSeconds to `adp serve`, without failing the run', async () => {
    const closed = await CaptureServer.start();
    await closed.down();
    configure(home, {
      notifications: [{ type: 'webhook', url: `${closed.url}/unreachable`, events: ['success'] }],
      outbox: { runWaitSeconds: 0.3, backoff: { initialMs: 50, maxMs: 100 } },
    });
    const r = await adp(['--home', home, 'run', 'wildrydes-rydebooking', '--wait']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/notification\(s\) not delivered yet: `adp serve` retries them/);
  });
});
