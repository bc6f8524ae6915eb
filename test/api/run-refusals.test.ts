import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, startTestServer, type TestServer } from './harness.js';

const RANGE = JSON.stringify({ from: '2027-01-01T00:00:00Z', to: '2027-01-01T01:00:00Z' });

describe('HTTP API: starts that cannot be queued are refused, and nothing is queued', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    expect(t.internalErrors).toEqual([]);
    await t.close();
  });

  it.each([
    ['runs', undefined],
    ['backfills', RANGE],
  ])('POST /curations/{unknown}/%s is a 404 naming the curation', async (what, body) => {
    const res = await t.api(`/api/v1/curations/typo-never-existed/${what}`, { method: 'POST', body });
    expect(res.status).toBe(404);
    expect((await bodyOf(res)).error).toEqual({ code: 'NOT_FOUND', message: "curation 'typo-never-existed' not found: see `adp curation list`" });
  });

  it.each([
    ['runs', 'bad%20name', undefined],
    ['runs', 'x'.repeat(65), undefined],
    ['backfills', 'bad%20name', RANGE],
    ['backfills', 'bad%2Fx', RANGE],
    ['runs', 'caf%C3%A9', undefined],
  ])('POST /curations/{invalid}/%s (%s) is a 400 naming curationType and the rule', async (what, name, body) => {
    const res = await t.api(`/api/v1/curations/${name}/${what}`, { method: 'POST', body });
    expect(res.status).toBe(400);
    const { error } = await bodyOf(res);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.issues).toEqual([{ path: 'curationType', message: 'must be 1-64 characters of A-Z a-z 0-9 . _ -' }]);
  });

  it('queued nothing: no active run, no history record, nothing in the launcher', async () => {
    expect((await t.json('/api/v1/runs')).runs).toEqual([]);
    expect((await t.json('/api/v1/history')).records).toEqual([]);
    expect(await t.project.state.listActiveRuns()).toEqual([]);
  });
});
