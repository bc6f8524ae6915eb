import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adp, cleanup, tempDir } from '../helpers/cli.js';
import { sampleDefinition } from '../helpers/definitions.js';
import { bodyOf, startTestServer, type TestServer } from './harness.js';

const TYPE = 'wildrydes-rydebooking';

/** A definition of the example home under another name. */
function definition(curationType: string, patch: Record<string, unknown> = {}) {
  const sample = sampleDefinition();
  return { ...sample, curationType, outputDetails: { ...sample.outputDetails, outputBucket: 'wildrydes-dev-curated' }, ...patch };
}

describe('HTTP API: curations', () => {
  let t: TestServer;
  let dir: string;
  beforeAll(async () => {
    t = await startTestServer();
    dir = tempDir();
  });
  afterAll(async () => {
    expect(t.internalErrors).toEqual([]);
    await t.close();
    cleanup(dir);
  });

  it('lists the sample curation with its next fire time, no runs yet, and no success rate', async () => {
    const { curations } = await t.json('/api/v1/curations');
    expect(curations).toHaveLength(1);
    const c = curations[0];
    expect(c).toMatchObject({ curationType: TYPE, version: 1, enabled: true, timezone: 'UTC', lastRun: null, activeRuns: 0 });
    expect(c.recent).toEqual({ runs: 0, succeeded: 0, successRate: null });
    expect(Date.parse(c.nextFireTime)).toBeGreaterThan(Date.now());
    expect(c.definition.sqlFilePath).toBe('wildrydes/rydebooking-curation.sql');
  });

  it('gets one curation with its next five fire times, and 404s an unknown one', async () => {
    const c = await t.json(`/api/v1/curations/${TYPE}`);
    expect(c.nextFireTimes).toHaveLength(5);
    expect(c.nextFireTimes[0]).toBe(c.nextFireTime);
    const missing = await t.api('/api/v1/curations/nope');
    expect(missing.status).toBe(404);
    expect((await bodyOf(missing)).error).toMatchObject({ code: 'NOT_FOUND', message: "curation 'nope' not found" });
  });

  it('adds (201), replaces (200, new version) and removes (204) a curation', async () => {
    const body = JSON.stringify(definition('api-made', { timezone: 'Europe/Paris', cronExpression: 'cron(0 9 * * ? *)' }));
    const added = await t.json('/api/v1/curations/api-made', { method: 'PUT', body, expect: 201 });
    expect(added).toMatchObject({ created: true, warnings: [], curation: { curationType: 'api-made', version: 1, timezone: 'Europe/Paris' } });
    // 09:00 in Paris is 07:00 or 08:00 UTC depending on the season.
    expect(added.curation.nextFireTime).toMatch(/T0[78]:00:00\.000Z$/);
    const replaced = await t.json('/api/v1/curations/api-made', { method: 'PUT', body: JSON.stringify(definition('api-made', { enabled: false })) });
    expect(replaced).toMatchObject({ created: false, curation: { version: 2, enabled: false, nextFireTime: null } });
    expect((await t.api('/api/v1/curations/api-made', { method: 'DELETE' })).status).toBe(204);
    expect((await t.api('/api/v1/curations/api-made', { method: 'DELETE' })).status).toBe(404);
    expect((await t.api('/api/v1/curations/api-made')).status).toBe(404);
  });

  it('stores a definition whose tables or buckets are missing, with warnings naming the fields', async () => {
    const body = JSON.stringify(definition('warns', { glueDetails: { database: 'wildrydes', tables: ['nope'] }, outputDetails: { outputBucket: 'no-such-bucket' } }));
    const res = await t.json('/api/v1/curations/warns', { method: 'PUT', body, expect: 201 });
    expect(res.warnings).toEqual([
      { path: 'glueDetails.tables[0]', message: "table 'wildrydes.nope' is not in the catalog" },
      { path: 'outputDetails.outputBucket', message: "bucket 'no-such-bucket' does not exist" },
    ]);
  });

  it('refuses an invalid definition with 400 naming each field, worded exactly as the CLI words it', async () => {
    const bad = {
      ...definition('bad-one'),
      cronExpression: 'cron(0 12 * *)',
      outputDetails: { outputBucket: 'Bad_Bucket', includeTimestampInFilename: 'yes', extra: 1 },
      glueDetails: { database: 5 },
      timeoutSeconds: 1.5,
      sqlFilePath: undefined,
      typo: true,
    };
    const res = await t.api('/api/v1/curations/bad-one', { method: 'PUT', body: JSON.stringify(bad) });
    expect(res.status).toBe(400);
    const { error } = await bodyOf(res);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toBe('invalid curation definition');
    const paths = error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['sqlFilePath', 'cronExpression', 'glueDetails.database', 'outputDetails.outputBucket', 'outputDetails.includeTimestampInFilename', 'outputDetails.extra', 'timeoutSeconds', 'typo']),
    );
    expect(error.issues).toContainEqual({ path: 'sqlFilePath', message: 'required' });
    expect(error.issues).toContainEqual({ path: 'glueDetails.database', message: 'must be a string, got number 5' });
    expect(error.issues).toContainEqual({ path: 'typo', message: 'unknown field (check its spelling; unknown fields are refused)' });

    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify(bad));
    const cli = await adp(['--home', t.home, 'curation', 'put', file]);
    expect(cli.code).toBe(2);
    const cliLines = cli.stderr.trim().split('\n');
    expect(error.issues.map((i: { path: string; message: string }) => `${i.path}: ${i.message}`)).toEqual(cliLines);
  });

  it('refuses a body whose curationType differs from the URL, and a bad name in the URL', async () => {
    const res = await t.api('/api/v1/curations/other-name', { method: 'PUT', body: JSON.stringify(definition('this-name')) });
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).error.issues).toEqual([{ path: 'curationType', message: "must equal the name in the URL ('other-name'), got 'this-name'" }]);
    const badName = await t.api('/api/v1/curations/..');
    expect([400, 404]).toContain(badName.status);
    const spaced = await t.api('/api/v1/curations/has%20space');
    expect(spaced.status).toBe(400);
    expect((await bodyOf(spaced)).error.issues[0].path).toBe('curationType');
  });

  it('returns the script at the head and at a commit, and checks the commit id', async () => {
    const head = await t.json(`/api/v1/curations/${TYPE}/script`);
    expect(head.path).toBe('wildrydes/rydebooking-curation.sql');
    expect(head.commitId).toMatch(/^[0-9a-f]{40}$/);
    expect(head.text).toMatch(/select/i);
    const atCommit = await t.json(`/api/v1/curations/${TYPE}/script?commit=${head.commitId}`);
    expect(atCommit).toEqual(head);
    const bad = await t.api(`/api/v1/curations/${TYPE}/script?commit=not-hex`);
    expect(bad.status).toBe(400);
    expect((await bodyOf(bad)).error.issues[0].path).toBe('commit');
    expect((await t.api(`/api/v1/curations/${TYPE}/script?commit=${'0'.repeat(40)}`)).status).toBe(404);
  });

  it('dry-runs a registered curation and an unregistered definition', async () => {
    const report = await t.json(`/api/v1/curations/${TYPE}/validate`, { method: 'POST' });
    expect(report.ok).toBe(true);
    expect(report.checks.map((c: { check: string }) => c.check)).toEqual(['definition', 'catalog', 'buckets', 'script', 'query']);
    const other = await t.json('/api/v1/validate', { method: 'POST', body: JSON.stringify(definition('x', { sqlFilePath: 'missing.sql' })) });
    expect(other.ok).toBe(false);
    expect(other.checks.find((c: { check: string }) => c.check === 'script')).toMatchObject({ ok: false });
  });

  it('returns the dependency graph, unregistered upstreams marked, as `adp curation graph --json` prints it', async () => {
    await t.json('/api/v1/curations/graph-mid', { method: 'PUT', body: JSON.stringify(definition('graph-mid', { dependsOn: [TYPE, 'not-registered'] })), expect: 201 });
    await t.json('/api/v1/curations/graph-end', { method: 'PUT', body: JSON.stringify(definition('graph-end', { dependsOn: ['graph-mid', TYPE] })), expect: 201 });
    try {
      const graph = await t.json('/api/v1/curations/graph');
      const mine = graph.nodes.filter((n: { curationType: string }) => [TYPE, 'graph-mid', 'graph-end'].includes(n.curationType));
      expect(mine.map((n: { curationType: string; depth: number }) => [n.curationType, n.depth])).toEqual([
        [TYPE, 0],
        ['graph-mid', 1],
        ['graph-end', 2],
      ]);
      expect(mine[1]).toEqual({ curationType: 'graph-mid', dependsOn: [TYPE, 'not-registered'], missing: ['not-registered'], downstream: ['graph-end'], depth: 1 });
      expect(mine[0].downstream).toEqual(['graph-end', 'graph-mid']);
      expect(graph.edges).toEqual(
        expect.arrayContaining([
          { upstream: TYPE, downstream: 'graph-mid' },
          { upstream: 'not-registered', downstream: 'graph-mid' },
          { upstream: 'graph-mid', downstream: 'graph-end' },
          { upstream: TYPE, downstream: 'graph-end' },
        ]),
      );
      expect(graph.edges).toHaveLength(4); // the other curations here have no dependsOn
      expect(graph.cycle).toBeUndefined();
      const cli = await adp(['--home', t.home, 'curation', 'graph', '--json']);
      expect(JSON.parse(cli.stdout)).toEqual(graph);

      const strict = await t.api('/api/v1/curations/graph?depth=1');
      expect(strict.status).toBe(400);
      expect((await bodyOf(strict)).error.issues[0]).toMatchObject({ path: 'depth', message: expect.stringMatching(/unknown query parameter/) });
      expect((await t.api('/api/v1/curations/graph', { auth: false })).status).toBe(401);
    } finally {
      for (const name of ['graph-end', 'graph-mid']) expect((await t.api(`/api/v1/curations/${name}`, { method: 'DELETE' })).status).toBe(204);
    }
  });

  it('lists and adds catalog tables', async () => {
    const { tables } = await t.json('/api/v1/catalog');
    expect(tables.map((x: { database: string; name: string }) => `${x.database}.${x.name}`)).toEqual(
      expect.arrayContaining(['wildrydes.rydebookings', 'wildrydes-external.ryders']),
    );
    const added = await t.json('/api/v1/catalog/sales/orders', { method: 'PUT', body: JSON.stringify({ location: 'lake/orders/', format: 'parquet', hivePartitioning: true }) });
    expect(added).toEqual({ database: 'sales', name: 'orders', location: { bucket: 'lake', prefix: 'orders' }, format: 'parquet', hivePartitioning: true });
    const bad = await t.api('/api/v1/catalog/sa.les/orders', { method: 'PUT', body: JSON.stringify({ location: 'Bad_Bucket', format: 'xml' }) });
    expect(bad.status).toBe(400);
    expect((await bodyOf(bad)).error.issues.map((i: { path: string }) => i.path)).toEqual(['format']);
  });
});
