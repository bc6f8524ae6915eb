import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineageRunId } from '../../src/domain/lineage/run-id.js';
import { adp, cleanup, exampleHome, tempDir } from '../helpers/cli.js';
import { writeDefinition } from '../helpers/definitions.js';
import { commitScript } from '../helpers/git.js';
import { OpenLineageServer, type ReceivedEvent } from '../helpers/openlineage-server.js';
import { patchConfig } from '../helpers/serve-process.js';
import { withEnv } from '../helpers/env.js';

const TOKEN_ENV = 'ADP_TEST_LINEAGE_TOKEN';

const eventsOf = (server: OpenLineageServer, executionName: string): ReceivedEvent['event'][] =>
  server.events.map((e) => e.event).filter((e) => e.run.runId === lineageRunId(executionName));

describe('OpenLineage sink from the command line (protocol-level OpenLineage receiver on 127.0.0.1 checking every RunEvent)', () => {
  let home: string;
  let dir: string;
  let server: OpenLineageServer;

  beforeAll(async () => {
    home = await exampleHome(30);
    dir = tempDir();
    server = await OpenLineageServer.start();
  });
  afterAll(async () => {
    await server.close();
    cleanup(home);
    cleanup(dir);
  });

  it('`adp run --wait` of a succeeded run delivers START then COMPLETE: tables read as inputs, the published file as output, SQL and commit', async () => {
    patchConfig(home, { sinks: [{ type: 'openlineage', name: 'marquez', url: server.url, namespace: 'wildrydes-dev', apiKey: { env: TOKEN_ENV } }] });
    const r = await withEnv(TOKEN_ENV, 'lineage-token-1', () => adp(['--home', home, 'run', 'wildrydes-rydebooking', '--wait', '--json']));
    expect(r.code, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(server.rejected).toEqual([]);
    const [start, complete, ...more] = eventsOf(server, record.curationExecutionName);
    expect(more).toEqual([]);
    expect(server.events.every((e) => e.request.headers.authorization === 'Bearer lineage-token-1')).toBe(true);
    expect(start).toMatchObject({ eventType: 'START', eventTime: new Date(record.startedAt).toISOString(), job: { namespace: 'wildrydes-dev', name: 'wildrydes-rydebooking' } });
    expect(complete).toMatchObject({ eventType: 'COMPLETE', eventTime: new Date(record.timestamp).toISOString(), job: { namespace: 'wildrydes-dev', name: 'wildrydes-rydebooking' } });
    const buckets = path.join(home, 'buckets');
    const inputs = complete!.inputs.map((d) => d.name);
    expect(complete!.inputs.every((d) => d.namespace === 'file')).toBe(true);
    expect(inputs).toHaveLength(2);
    expect(inputs.every((n) => n.startsWith(buckets))).toBe(true);
    expect(start!.inputs).toEqual(complete!.inputs);
    expect(start!.outputs).toEqual([]);
    expect(complete!.outputs).toEqual([
      { namespace: 'file', name: record.curationOutputLocation.replace(/^file:\/\//, ''), outputFacets: { outputStatistics: expect.objectContaining({ rowCount: record.rowCount }) } },
    ]);
    const sql = complete!.job.facets!.sql as { query: string };
    expect(sql.query).toMatch(/rydebookings/i);
    expect(complete!.job.facets!.sourceCodeLocation).toMatchObject({ type: 'git', version: record.scriptFileCommitId, path: 'wildrydes/rydebooking-curation.sql', branch: 'main' });
    const list = JSON.parse((await adp(['--home', home, 'outbox', 'list', '--state', 'delivered', '--json'])).stdout);
    expect(list.entries.map((e: { event: string; destination: object }) => [e.event, e.destination])).toEqual([
      ['lineageEnd', { id: 'marquez', type: 'openlineage' }],
      ['lineageStart', { id: 'marquez', type: 'openlineage' }],
    ]);
    expect(JSON.stringify(list)).not.toContain('lineage-token-1');
  });

  it('a failed run delivers START then FAIL with the error message, and no output', async () => {
    patchConfig(home, { sinks: [{ type: 'openlineage', url: server.url }] });
    commitScript(home, 'tests/broken.sql', 'select no_such_column from wildrydes.rydebookings');
    const put = await adp(['--home', home, 'curation', 'put', writeDefinition(dir, { curationType: 'broken', sqlFilePath: 'tests/broken.sql' })]);
    expect(put.code).toBe(0);
    const r = await adp(['--home', home, 'run', 'broken', '--wait', '--json']);
    expect(r.code).toBe(1);
    const record = JSON.parse(r.stdout);
    expect(server.rejected).toEqual([]);
    const [start, fail] = eventsOf(server, record.curationExecutionName);
    expect(start).toMatchObject({ eventType: 'START', job: { namespace: 'adp', name: 'broken' } });
    expect(fail).toMatchObject({ eventType: 'FAIL', outputs: [], job: { facets: { sql: { query: 'select no_such_column from wildrydes.rydebookings' } } } });
    expect(fail!.run.facets!.errorMessage).toMatchObject({ message: expect.stringMatching(/^QUERY_FAILED: .*no_such_column/), programmingLanguage: 'SQL' });
  });

  it('a receiver that is down: each event retried, then dead-lettered; retried later, the events arrive in order', async () => {
    const closed = await OpenLineageServer.start();
    await closed.http.down();
    patchConfig(home, {
      sinks: [{ type: 'openlineage', name: 'down', url: closed.url }],
      outbox: { maxAttempts: 3, backoff: { initialMs: 10, maxMs: 20 }, runWaitSeconds: 30 },
    });
    const r = await adp(['--home', home, 'run', 'wildrydes-rydebooking', '--wait', '--json']);
    expect(r.code).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(r.stderr).toMatch(/dead-lettered: gave up after 3 attempts: openlineage http:\/\/127\.0\.0\.1:\d+\/api\/v1\/lineage/);
    const dead = JSON.parse((await adp(['--home', home, 'outbox', 'list', '--state', 'dead', '--json'])).stdout);
    const own = dead.entries.filter((e: { executionName: string }) => e.executionName === record.curationExecutionName);
    expect(own.map((e: { event: string; attempts: number }) => [e.event, e.attempts]).sort()).toEqual([['lineageEnd', 3], ['lineageStart', 3]]);

    await closed.http.up();
    const retry = await adp(['--home', home, 'outbox', 'retry', ...own.map((e: { id: string }) => e.id)]);
    expect(retry.code).toBe(0);
    const next = await adp(['--home', home, 'run', 'wildrydes-rydebooking', '--wait', '--json']);
    expect(next.code).toBe(0);
    const nextRecord = JSON.parse(next.stdout);
    expect(closed.rejected).toEqual([]);
    expect(closed.events.map((e) => [e.event.run.runId, e.event.eventType])).toEqual([
      [lineageRunId(record.curationExecutionName), 'START'],
      [lineageRunId(record.curationExecutionName), 'COMPLETE'],
      [lineageRunId(nextRecord.curationExecutionName), 'START'],
      [lineageRunId(nextRecord.curationExecutionName), 'COMPLETE'],
    ]);
    await closed.close();
  });

  it('`adp config check` resolves the sink’s references and names the field it cannot', async () => {
    patchConfig(home, { sinks: [{ type: 'openlineage', url: { env: 'ADP_TEST_LINEAGE_URL' }, apiKey: { file: 'secrets/lineage.token' } }] });
    const missing = await withEnv('ADP_TEST_LINEAGE_URL', undefined, () => adp(['--home', home, 'config', 'check']));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/sinks\[0\]\.url: environment variable ADP_TEST_LINEAGE_URL is not set \(openlineage destination 'openlineage-[0-9a-f]{12}'\)/);
    const noFile = await withEnv('ADP_TEST_LINEAGE_URL', server.url, () => adp(['--home', home, 'config', 'check']));
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toMatch(/sinks\[0\]\.apiKey: file .*secrets\/lineage\.token does not exist/);
    fs.mkdirSync(path.join(home, 'secrets'), { recursive: true });
    fs.writeFileSync(path.join(home, 'secrets/lineage.token'), 'token-from-file\n');
    const notUrl = await withEnv('ADP_TEST_LINEAGE_URL', 'marquez:5000', () => adp(['--home', home, 'config', 'check', '--json']));
    expect(notUrl.code).toBe(2);
    expect(JSON.parse(notUrl.stdout).problems[0]).toMatchObject({ field: 'sinks[0].url', message: expect.stringMatching(/must be an http:\/\/ or https:\/\/ URL \(read from environment variable ADP_TEST_LINEAGE_URL\)/) });
    const resolved = await withEnv('ADP_TEST_LINEAGE_URL', server.url, () => adp(['--home', home, 'config', 'check']));
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(resolved.stdout).not.toContain('token-from-file');
    patchConfig(home, { sinks: [{ type: 'openlineage', url: server.url, endpoint: '../admin', producer: 'not a uri' }] });
    const invalid = await adp(['--home', home, 'config', 'check', '--json']);
    expect(invalid.code).toBe(2);
    expect(JSON.parse(invalid.stdout).problems.map((p: { field: string }) => p.field).sort()).toEqual(['sinks[0].endpoint', 'sinks[0].producer']);
    patchConfig(home, { sinks: [{ type: 'openlineage', url: server.url, apiKey: { env: TOKEN_ENV } }] });
    const ok = await withEnv(TOKEN_ENV, 't', () => adp(['--home', home, 'config', 'check']));
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/ok \(1 secret reference resolved, values not shown\)/);
  });
});
