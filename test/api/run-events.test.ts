import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitScript } from '../helpers/git.js';
import { sampleDefinition } from '../helpers/definitions.js';
import { bodyOf, startTestServer, waitForRecord, type TestServer } from './harness.js';

const TYPE = 'wildrydes-rydebooking';

describe('HTTP API: run events, failed step, retry, pause and resume', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    commitScript(t.home, 'tests/broken.sql', 'select no_such_column from range(3)');
    const sample = sampleDefinition();
    await t.json('/api/v1/curations/broken', {
      method: 'PUT',
      body: JSON.stringify({ ...sample, curationType: 'broken', sqlFilePath: 'tests/broken.sql', parameters: { region: { type: 'string', default: 'us' } } }),
      expect: 201,
    });
  });
  afterAll(async () => {
    expect(t.internalErrors).toEqual([]);
    await t.close();
  });

  async function start(type: string, body: object = {}): Promise<string> {
    const res = await t.api(`/api/v1/curations/${type}/runs`, { method: 'POST', body: JSON.stringify(body) });
    expect(res.status).toBe(202);
    return (await bodyOf(res)).curationExecutionName;
  }

  it('GET /runs/{name}/events: queued, every step started and succeeded with a duration, finished', async () => {
    const name = await start(TYPE);
    await waitForRecord(t, name);
    const { events } = await t.json(`/api/v1/runs/${name}/events`);
    expect(events[0]).toMatchObject({ kind: 'queued', trigger: 'api' });
    expect(events[1]).toMatchObject({ kind: 'started' });
    expect(events.filter((e: { kind: string }) => e.kind === 'stepSucceeded').map((e: { step: string }) => e.step)).toEqual([
      'retrieve',
      'validate',
      'startQuery',
      'awaitQuery',
      'publishOutput',
    ]);
    expect(events.at(-1)).toMatchObject({ kind: 'finished', status: 'succeeded' });
    const run = await t.json(`/api/v1/runs/${name}`);
    expect(run.step).toBe('record');
    expect(run.steps.map((s: { state: string }) => s.state)).toEqual(Array(6).fill('succeeded'));
  });

  it('a failed run names the step it failed at (run view and record) and shows later steps as never reached', async () => {
    const name = await start('broken');
    const { record } = await waitForRecord(t, name);
    expect(record).toMatchObject({ status: 'failed', failedStep: 'awaitQuery' });
    const run = await t.json(`/api/v1/runs/${name}`);
    expect(run).toMatchObject({ step: 'awaitQuery', failedStep: 'awaitQuery' });
    expect(run.steps.map((s: { state: string }) => s.state)).toEqual(['succeeded', 'succeeded', 'succeeded', 'failed', 'notReached', 'succeeded']);
    const { events } = await t.json(`/api/v1/runs/${name}/events`);
    expect(events.find((e: { kind: string }) => e.kind === 'stepFailed')).toMatchObject({ step: 'awaitQuery', errorType: expect.any(String) });
  });

  it('POST /runs/{name}/retry: a new run with the same parameters and scheduled time, trigger retry, naming the run it retries', async () => {
    const name = await start('broken', { parameters: { region: 'eu' } });
    await waitForRecord(t, name);
    const res = await t.api(`/api/v1/runs/${name}/retry`, { method: 'POST' });
    expect(res.status).toBe(202);
    const retried = (await bodyOf(res)).curationExecutionName;
    expect(retried).not.toBe(name);
    const { record } = await waitForRecord(t, retried);
    expect(record).toMatchObject({ trigger: 'retry', retryOf: name, parameters: { region: 'eu' }, curationType: 'broken' });
  });

  it('refuses to retry a run that does not exist (404) or has not ended (409)', async () => {
    const missing = await t.api('/api/v1/runs/20270101000000ABCDEF_nope/retry', { method: 'POST' });
    expect(missing.status).toBe(404);
    expect((await bodyOf(missing)).error.code).toBe('NOT_FOUND');
  });

  it('PUT /curations/{type}/enabled pauses and resumes the schedule; a bad body is a 400 naming the field', async () => {
    const paused = await t.json(`/api/v1/curations/${TYPE}/enabled`, { method: 'PUT', body: JSON.stringify({ enabled: false }) });
    expect(paused).toMatchObject({ enabled: false, nextFireTime: null });
    expect((await t.json(`/api/v1/curations/${TYPE}`)).definition.enabled).toBe(false);
    const resumed = await t.json(`/api/v1/curations/${TYPE}/enabled`, { method: 'PUT', body: JSON.stringify({ enabled: true }) });
    expect(resumed.enabled).toBe(true);
    expect(resumed.nextFireTime).toEqual(expect.any(String));
    expect((await t.json(`/api/v1/curations/${TYPE}`)).definition).not.toHaveProperty('enabled');
    const bad = await t.api(`/api/v1/curations/${TYPE}/enabled`, { method: 'PUT', body: JSON.stringify({ enabled: 'yes' }) });
    expect(bad.status).toBe(400);
    expect((await bodyOf(bad)).error.issues).toEqual([expect.objectContaining({ path: 'enabled' })]);
    const missing = await t.api('/api/v1/curations/nope/enabled', { method: 'PUT', body: JSON.stringify({ enabled: false }) });
    expect(missing.status).toBe(404);
  });

  it('keeps every new route behind auth', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/runs/x/events'],
      ['POST', '/api/v1/runs/x/retry'],
      ['PUT', `/api/v1/curations/${TYPE}/enabled`],
    ] as const) {
      const res = await fetch(`${t.server.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{"enabled":true}' });
      expect(res.status, `${method} ${path}`).toBe(401);
    }
  });
});
