import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bulkReply, CaptureServer, type Reply } from '../../../test/helpers/http-capture.js';
import { DeliveryError } from '../../domain/notify/delivery-error.js';
import type { SinkDestination } from '../../domain/notify/destinations.js';
import type { SinkItem } from '../../ports/event-sink.js';
import { historyRecordFixture } from '../../ports/state-store.contract.js';
import { OpenSearchSink } from './opensearch-sink.js';

const items: SinkItem[] = [
  { id: 'ob-1', record: historyRecordFixture(), sequence: 17 },
  { id: 'ob-2', record: historyRecordFixture({ curationExecutionName: 'r2', timestamp: historyRecordFixture().timestamp + 60_000, status: 'failed' }), sequence: 18 },
];
const acknowledged: Reply = { body: { acknowledged: true } };

describe('OpenSearch history sink (protocol-level _bulk endpoint on 127.0.0.1, official client)', () => {
  let server: CaptureServer;
  let sinks: OpenSearchSink[];
  let logs: string[];
  beforeEach(async () => {
    server = await CaptureServer.start((req) => (req.path.startsWith('/_bulk') ? bulkReply(req) : acknowledged));
    sinks = [];
    logs = [];
  });
  afterEach(async () => {
    for (const s of sinks) await s.close();
    await server.close();
  });
  const sink = (patch: Partial<SinkDestination> = {}) => {
    const s = new OpenSearchSink({ type: 'opensearch', id: 'search', node: server.url, index: 'WildRydes-Dev-CurationHistory', ...patch }, { log: (l) => logs.push(l) });
    sinks.push(s);
    return s;
  };

  it('puts the index template once, then indexes the sample’s document shape with _bulk', async () => {
    const s = sink({ auth: { username: 'admin', password: 'pw' } });
    expect(await s.write(items)).toEqual([{ ok: true }, { ok: true }]);
    expect(await s.write(items.slice(0, 1))).toEqual([{ ok: true }]);
    const [template, bulk] = server.requests;
    // The client sends POST; OpenSearch and Elasticsearch accept PUT and POST on the template APIs.
    expect(template).toMatchObject({ method: 'POST', path: '/_index_template/adp-wildrydes-dev-curationhistory' });
    const body = JSON.parse(template!.body);
    expect(body.index_patterns).toEqual(['wildrydes-dev-curationhistory']);
    expect(body.template.mappings.properties).toMatchObject({ curationType: { type: 'keyword' }, '@timestamp': { type: 'date' }, timestamp: { type: 'date', format: 'epoch_millis' } });
    expect(bulk).toMatchObject({ method: 'POST', path: '/_bulk' });
    expect(bulk!.headers.authorization).toBe(`Basic ${Buffer.from('admin:pw').toString('base64')}`);
    const lines = bulk!.body.trim().split('\n').map((l) => JSON.parse(l));
    const record = items[0]!.record;
    expect(lines[0]).toEqual({ index: { _index: 'wildrydes-dev-curationhistory', _id: `curationType=${record.curationType}|timestamp=${record.timestamp}` } });
    expect(lines[1]).toEqual({ ...record, '@timestamp': new Date(record.timestamp).toISOString(), '@SequenceNumber': 17 });
    expect(lines[2].index._id).toBe(`curationType=${record.curationType}|timestamp=${record.timestamp + 60_000}`);
    expect(server.requests.filter((r) => r.path.includes('template'))).toHaveLength(1);
  });

  it('judges each item on its own: 429 is retried, a mapping error is not', async () => {
    server.handler = (req) => (req.path === '/_bulk' ? bulkReply(req, (id) => (id.endsWith(String(items[0]!.record.timestamp)) ? 429 : 400)) : acknowledged);
    const [throttled, rejected] = await sink().write(items);
    expect(throttled).toMatchObject({ ok: false, retryable: true });
    expect(rejected).toMatchObject({ ok: false, retryable: false, error: expect.stringMatching(/HTTP 400 mapper_parsing_exception/) });
  });

  it('fails the whole batch retryably when the cluster is unavailable, permanently on bad credentials', async () => {
    server.handler = (req) => (req.path === '/_bulk' ? { status: 503, body: { error: 'unavailable' } } : acknowledged);
    const unavailable = await sink().write(items).catch((e: unknown) => e);
    expect(unavailable).toBeInstanceOf(DeliveryError);
    expect(unavailable).toMatchObject({ retryable: true });
    server.handler = () => ({ status: 401, body: { error: 'unauthorized' } });
    const denied = await sink({ auth: { apiKey: 'k' } }).write(items).catch((e: unknown) => e);
    expect(denied).toMatchObject({ retryable: false });
    expect(server.requests.at(-1)!.headers.authorization).toBe('ApiKey k');
    await server.down();
    expect(await sink().write(items).catch((e: unknown) => e)).toMatchObject({ retryable: true });
  });

  it('falls back to a legacy template where _index_template does not exist, and indexes anyway if templates are refused', async () => {
    server.handler = (req) => (req.path.startsWith('/_index_template') ? { status: 404, body: { error: 'no handler' } } : req.path === '/_bulk' ? bulkReply(req) : acknowledged);
    expect(await sink().write(items)).toEqual([{ ok: true }, { ok: true }]);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /_index_template/adp-wildrydes-dev-curationhistory',
      'POST /_template/adp-wildrydes-dev-curationhistory',
      'POST /_bulk',
    ]);
    server.handler = (req) => (req.path === '/_bulk' ? bulkReply(req) : { status: 403, body: { error: 'forbidden' } });
    expect(await sink({ index: 'other' }).write(items)).toEqual([{ ok: true }, { ok: true }]);
    expect(logs.join('\n')).toMatch(/index template for other: HTTP 403.*indexing without it/);
  });
});
