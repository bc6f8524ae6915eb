import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adp } from '../helpers/cli.js';
import { bodyOf, startTestServer, type TestServer } from './harness.js';

// Strict inputs at the HTTP edge: a misspelt query parameter is refused, never silently ignored;
// instants carry their zone, in the API and in the CLI alike.

const TYPE = 'wildrydes-rydebooking';
const SAMPLE_PARAMS: Record<string, string> = { curationType: TYPE, name: '20270104100000K3QZ8A_wildrydes_rydebooking', database: 'wildrydes', table: 'rydebookings' };

describe('HTTP API: strict query strings and zoned instants', () => {
  let t: TestServer;
  let definition: Record<string, unknown>;
  let operations: { method: string; path: string }[];

  beforeAll(async () => {
    t = await startTestServer();
    definition = await adpShow();
    const doc = await t.json('/api/v1/openapi.json');
    operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
      Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path: `/api/v1${p.replace(/\{(\w+)\}/g, (_, k: string) => SAMPLE_PARAMS[k] ?? k)}` })),
    );
  });
  afterAll(async () => {
    expect(t.internalErrors).toEqual([]);
    await t.close();
  });

  async function adpShow(): Promise<Record<string, unknown>> {
    const r = await adp(['--home', t.home, 'curation', 'show', TYPE, '--json']);
    return JSON.parse(r.stdout).definition;
  }

  /** A body each operation would accept, so only the query string can be what is refused. */
  function bodyFor(method: string, path: string): string | undefined {
    if (method === 'GET' || method === 'DELETE') return undefined;
    if (path.endsWith('/backfills')) return JSON.stringify({ from: '2027-01-01T00:00:00Z', to: '2027-01-01T00:10:00Z' });
    if (path.includes('/catalog/')) return JSON.stringify({ location: 'wildrydes-data/rydebookings', format: 'json', hivePartitioning: true });
    if (method === 'PUT' || path.endsWith('/api/v1/validate')) return JSON.stringify(definition);
    return '{}';
  }

  it('refuses an unknown query parameter on every operation with 400 naming it, and changes nothing', async () => {
    expect(operations.length).toBeGreaterThanOrEqual(15);
    const before = { curations: await t.json('/api/v1/curations'), history: await t.json('/api/v1/history'), catalog: await t.json('/api/v1/catalog') };
    for (const op of operations) {
      const sep = op.path.includes('?') ? '&' : '?';
      const res = await t.api(`${op.path}${sep}bogus=1&wait=true`, { method: op.method, body: bodyFor(op.method, op.path) });
      const label = `${op.method} ${op.path}`;
      expect(res.status, label).toBe(400);
      const { error } = await bodyOf(res);
      expect(error.code, label).toBe('VALIDATION_FAILED');
      expect(error.message, label).toBe('invalid query string');
      const named = error.issues.filter((i: { message: string }) => /^unknown query parameter/.test(i.message)).map((i: { path: string }) => i.path);
      expect(named, label).toEqual(['bogus', 'wait']);
    }
    // Nothing was stored, queued, run or removed by the refused calls.
    expect(await t.json('/api/v1/curations')).toEqual(before.curations);
    expect(await t.json('/api/v1/history')).toEqual(before.history);
    expect(await t.json('/api/v1/catalog')).toEqual(before.catalog);
    expect((await t.json('/api/v1/runs')).runs).toEqual([]);
  });

  it('says which parameters an operation takes', async () => {
    const res = await t.api('/api/v1/history?curationTyp=x');
    expect((await bodyOf(res)).error.issues).toEqual([
      { path: 'curationTyp', message: 'unknown query parameter (this operation takes curationType, status, q, from, to, limit, cursor)' },
    ]);
    const none = await t.api('/api/v1/curations?sort=name');
    expect((await bodyOf(none)).error.issues).toEqual([{ path: 'sort', message: 'unknown query parameter (this operation takes none)' }]);
  });

  it('reads `tz` as `timezone` in /schedule/next (the CLI flag name), refuses two different zones, and refuses a misspelt name', async () => {
    const expression = 'cron(0 12 * * ? *)';
    const base = { expression, from: '2030-01-01T00:00:00Z', count: '1' };
    const viaTz = await t.json(`/api/v1/schedule/next?${new URLSearchParams({ ...base, tz: 'Europe/Paris' })}`);
    expect(viaTz).toEqual({ expression, timezone: 'Europe/Paris', fireTimes: ['2030-01-01T11:00:00.000Z'] });
    const viaTimezone = await t.json(`/api/v1/schedule/next?${new URLSearchParams({ ...base, timezone: 'Europe/Paris' })}`);
    expect(viaTimezone).toEqual(viaTz);
    const both = await t.api(`/api/v1/schedule/next?${new URLSearchParams({ ...base, timezone: 'Europe/Paris', tz: 'UTC' })}`);
    expect(both.status).toBe(400);
    expect((await bodyOf(both)).error.issues).toEqual([{ path: 'tz', message: expect.stringMatching(/another name for timezone/) }]);
    const badTz = await t.api(`/api/v1/schedule/next?${new URLSearchParams({ ...base, tz: 'Mars/Base' })}`);
    expect((await bodyOf(badTz)).error.issues).toEqual([{ path: 'tz', message: expect.stringMatching(/not an IANA time zone/) }]);
    const misspelt = await t.api(`/api/v1/schedule/next?${new URLSearchParams({ ...base, zone: 'Europe/Paris' })}`);
    expect(misspelt.status).toBe(400);
    expect((await bodyOf(misspelt)).error.issues.map((i: { path: string }) => i.path)).toEqual(['zone']);
  });

  it('refuses an instant without a zone in the API and in `adp backfill` alike, and queues nothing', async () => {
    for (const [from, to] of [
      ['2026-11-27', '2026-11-28T00:00:00Z'],
      ['2026-11-27T00:00:00', '2026-11-28T00:00:00Z'],
      ['2026-02-30T00:00:00Z', '2026-11-28T00:00:00Z'],
    ] as const) {
      const res = await t.api(`/api/v1/curations/${TYPE}/backfills`, { method: 'POST', body: JSON.stringify({ from, to, dryRun: true }) });
      expect(res.status, from).toBe(400);
      expect((await bodyOf(res)).error.issues, from).toEqual([{ path: 'from', message: expect.stringMatching(/^must be an ISO-8601 date-time with a zone \(Z or ±hh:mm\)/) }]);
      const cli = await adp(['--home', t.home, 'backfill', TYPE, '--from', from, '--to', to, '--dry-run']);
      expect(cli.code, from).toBe(2);
      expect(cli.stderr, from).toMatch(new RegExp(`^adp: --from: '${from}' must be an ISO-8601 date-time with a zone \\(Z or ±hh:mm\\), e\\.g\\. `));
      expect(cli.stdout).toBe('');
    }
    const hint = await adp(['--home', t.home, 'backfill', TYPE, '--from', '2026-11-27', '--to', '2026-11-28T00:00:00Z']);
    expect(hint.stderr).toMatch(/e\.g\. 2026-11-27T00:00:00Z \(UTC\)/);
    const history = await t.json(`/api/v1/history?curationType=${TYPE}`);
    expect(history.records).toEqual([]);
    expect((await t.json('/api/v1/runs')).runs).toEqual([]);
    // With a zone, both take the same range and find the same ticks.
    const zoned = { from: '2026-11-27T01:00:00+01:00', to: '2026-11-27T01:09:00+01:00' };
    const api = await t.json(`/api/v1/curations/${TYPE}/backfills`, { method: 'POST', body: JSON.stringify({ ...zoned, dryRun: true }) });
    const cli = await adp(['--home', t.home, 'backfill', TYPE, '--from', zoned.from, '--to', zoned.to, '--dry-run', '--json']);
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout).map((tick: { scheduledTime: string }) => tick.scheduledTime)).toEqual(api.scheduledTimes);
    expect(api.scheduledTimes).toHaveLength(10);
    expect(api.scheduledTimes[0]).toBe('2026-11-27T00:00:00.000Z');
  });

  it('still generates the OpenAPI document, listing `tz` and the strict query parameters', async () => {
    const doc = await t.json('/api/v1/openapi.json');
    const params = doc.paths['/schedule/next'].get.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`);
    expect(params).toEqual(expect.arrayContaining(['query:expression', 'query:timezone', 'query:tz', 'query:from', 'query:count']));
  });
});
