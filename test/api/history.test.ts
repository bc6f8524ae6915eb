import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryRecord } from '../../src/domain/history.js';
import { historyRecordFixture } from '../../src/ports/state-store.contract.js';
import { bodyOf, startTestServer, type TestServer } from './harness.js';

const BASE = Date.UTC(2027, 0, 1);
const STATUSES = ['succeeded', 'failed', 'succeeded', 'timed_out', 'succeeded'] as const;

/** Every page of a history query, following nextCursor. */
async function allPages(t: TestServer, query: Record<string, string>): Promise<{ pages: number; records: HistoryRecord[] }> {
  const records: HistoryRecord[] = [];
  let cursor: string | undefined;
  for (let pages = 1; pages < 1000; pages++) {
    const q = new URLSearchParams({ ...query, ...(cursor ? { cursor } : {}) });
    const page = await t.json(`/api/v1/history?${q}`);
    records.push(...page.records);
    if (!page.nextCursor) return { pages, records };
    cursor = page.nextCursor;
  }
  throw new Error('pages did not end');
}

describe('HTTP API: history pages', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    // 120 records over two curations, one per minute, written through the state store.
    for (let i = 0; i < 120; i++) {
      const curationType = i % 3 === 0 ? 'beta' : 'alpha';
      await t.project.state.finishRun(
        historyRecordFixture({
          curationType,
          timestamp: BASE + i * 60_000,
          curationExecutionName: `20270101000000R${String(i).padStart(5, '0')}_${curationType}`,
          status: STATUSES[i % STATUSES.length],
        }),
      );
    }
  });
  afterAll(async () => {
    expect(t.internalErrors).toEqual([]);
    await t.close();
  });

  it('returns 50 newest first by default, with a cursor to the next page', async () => {
    const page = await t.json('/api/v1/history');
    expect(page.records).toHaveLength(50);
    expect(page.records[0].timestamp).toBe(BASE + 119 * 60_000);
    for (let i = 1; i < page.records.length; i++) expect(page.records[i - 1].timestamp).toBeGreaterThan(page.records[i].timestamp);
    expect(typeof page.nextCursor).toBe('string');
  });

  it('walks every record exactly once across pages, and the last page has no cursor', async () => {
    const { pages, records } = await allPages(t, { limit: '7' });
    expect(pages).toBe(Math.ceil(120 / 7));
    expect(records).toHaveLength(120);
    expect(new Set(records.map((r) => r.curationExecutionName)).size).toBe(120);
    const exact = await t.json('/api/v1/history?limit=120');
    expect(exact.records).toHaveLength(120);
    expect(exact.nextCursor).toBeUndefined();
  });

  it('filters by curation, statuses, a piece of the name and time range (ISO or epoch ms), across pages', async () => {
    const beta = await allPages(t, { curationType: 'beta', limit: '6' });
    expect(beta.records).toHaveLength(40);
    expect(beta.records.every((r) => r.curationType === 'beta')).toBe(true);
    const failedAlpha = await allPages(t, { curationType: 'alpha', status: 'failed', limit: '5' });
    expect(failedAlpha.records.every((r) => r.curationType === 'alpha' && r.status === 'failed')).toBe(true);
    expect(failedAlpha.records).toHaveLength(16);
    const notSucceeded = await allPages(t, { status: 'failed,timed_out', limit: '9' });
    expect(notSucceeded.records).toHaveLength(48);
    expect(new Set(notSucceeded.records.map((r) => r.status))).toEqual(new Set(['failed', 'timed_out']));
    // A piece of the name, in either case: R00011 to R00019 and R00110 to R00119, of which beta's are every third.
    const named = await allPages(t, { q: 'r0001', curationType: 'beta', limit: '2' });
    expect(named.records.map((r) => r.curationExecutionName)).toEqual(['20270101000000R00018_beta', '20270101000000R00015_beta', '20270101000000R00012_beta']);
    const from = new Date(BASE + 10 * 60_000).toISOString();
    const to = String(BASE + 19 * 60_000);
    const range = await allPages(t, { from, to, limit: '3' });
    expect(range.records.map((r) => (r.timestamp - BASE) / 60_000)).toEqual([19, 18, 17, 16, 15, 14, 13, 12, 11, 10]);
  });

  it('refuses bad parameters with 400 naming them', async () => {
    const cases: [string, string][] = [
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=ten', 'limit'],
      ['status=done', 'status'],
      ['status=failed,done', 'status'],
      ['q=', 'q'],
      ['from=yesterday', 'from'],
      ['curationType=has%20space', 'curationType'],
      ['cursor=not-a-cursor', 'cursor'],
    ];
    for (const [query, field] of cases) {
      const res = await t.api(`/api/v1/history?${query}`);
      expect(res.status, query).toBe(400);
      const { error } = await bodyOf(res);
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.issues.map((i: { path: string }) => i.path), query).toEqual([field]);
    }
  });
});
