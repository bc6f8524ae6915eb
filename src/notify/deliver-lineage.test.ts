import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenLineageServer } from '../../test/helpers/openlineage-server.js';
import { systemClock } from '../adapters/system/system-clock.js';
import { lineageRunId } from '../domain/lineage/run-id.js';
import type { LineageDestinationSpec } from '../domain/notify/destinations.js';
import type { OutboxEntry } from '../domain/notify/outbox.js';
import { outboxSettingsSchema } from '../domain/notify/outbox-settings.js';
import type { RunState } from '../domain/run.js';
import { AdapterDestinations } from '../drivers/common/destinations.js';
import type { TableInfo } from '../ports/catalog.js';
import type { LineageSources } from '../ports/lineage.js';
import { historyRecordFixture } from '../ports/state-store.contract.js';
import { deliverLineage } from './deliver-lineage.js';
import type { DispatcherDeps } from './dispatcher-deps.js';

const tables: Record<string, TableInfo> = {
  'wildrydes.rydebookings': { database: 'wildrydes', name: 'rydebookings', location: { bucket: 'raw-data', prefix: 'wildrydes/rydebookings/' }, format: 'json', hivePartitioning: true },
};

function entry(seq: number, curationType: string, event: 'lineageStart' | 'lineageEnd'): OutboxEntry {
  const record = historyRecordFixture({ curationType, curationExecutionName: `run-${curationType}`, glueDetails: { database: 'wildrydes', tables: ['rydebookings', 'gone.table'] } });
  return { id: `ob-${seq}`, seq, destination: { id: 'ol', type: 'openlineage' }, curationType, executionName: record.curationExecutionName, event, payload: record, state: 'pending', attempts: 1, createdAt: '', updatedAt: '', nextAttemptAt: '' };
}

describe('lineage delivery (protocol-level OpenLineage receiver on 127.0.0.1)', () => {
  let server: OpenLineageServer;
  let destinations: AdapterDestinations;
  let logs: string[];
  let catalogDown: boolean;
  beforeEach(async () => {
    server = await OpenLineageServer.start();
    destinations = new AdapterDestinations({ secrets: { home: '/', env: {} } });
    logs = [];
    catalogDown = false;
  });
  afterEach(async () => {
    await destinations.close();
    await server.close();
  });

  const sources: LineageSources = {
    catalog: { getTable: async (db, t) => (catalogDown ? Promise.reject(new Error('Glue throttled')) : tables[`${db}.${t}`]) },
    objects: { uri: (bucket, key) => `s3://${bucket}/${key}` },
    runs: { getRun: async (name) => ({ executionName: name, context: { sql: 'select * from rydebookings', definition: { sqlFilePath: 'a.sql' } } }) as unknown as RunState },
    scripts: { repoUrl: 'https://git.example.com/scripts.git', branch: 'main' },
  };
  const deps = (): DispatcherDeps => ({
    outbox: undefined as never,
    directory: undefined as never,
    destinations,
    clock: systemClock,
    owner: 't',
    lineage: sources,
    log: (l) => logs.push(l),
    settings: outboxSettingsSchema.parse({ maxAttempts: 5 }),
  });
  const destination = (): LineageDestinationSpec => ({ type: 'openlineage', id: 'ol', url: server.url });

  it('sends in claim order, inputs by catalog location (a table no longer in the catalog left out and logged), SQL from the run', async () => {
    const outcomes = await deliverLineage(deps(), destination(), [entry(1, 'a', 'lineageStart'), entry(2, 'a', 'lineageEnd')]);
    expect(outcomes.map((o) => o.outcome)).toEqual(['delivered', 'delivered']);
    expect(server.rejected).toEqual([]);
    expect(server.events.map((e) => e.event.eventType)).toEqual(['START', 'COMPLETE']);
    const [start] = server.events.map((e) => e.event);
    expect(start).toMatchObject({ run: { runId: lineageRunId('run-a') }, inputs: [{ namespace: 's3://raw-data', name: 'wildrydes/rydebookings' }], job: { facets: { sql: { query: 'select * from rydebookings' }, sourceCodeLocation: { path: 'a.sql' } } } });
    expect(logs.join('\n')).toMatch(/table gone\.table is not in the catalog/);
  });

  it('after a retryable failure holds back the rest of that curation (released untried), not the others', async () => {
    server.failNext(1, 503);
    const outcomes = await deliverLineage(deps(), destination(), [entry(1, 'a', 'lineageStart'), entry(2, 'b', 'lineageStart'), entry(3, 'a', 'lineageEnd'), entry(4, 'b', 'lineageEnd')]);
    expect(outcomes.map((o) => [o.id, o.outcome])).toEqual([['ob-1', 'retry'], ['ob-2', 'delivered'], ['ob-3', 'release'], ['ob-4', 'delivered']]);
  });

  it('a catalog that cannot be read is retried, not dead-lettered', async () => {
    catalogDown = true;
    const [outcome] = await deliverLineage(deps(), destination(), [entry(1, 'a', 'lineageStart')]);
    expect(outcome).toMatchObject({ outcome: 'retry', error: expect.stringMatching(/reading the catalog for the lineage event: Glue throttled/) });
    expect(server.events).toEqual([]);
  });
});
