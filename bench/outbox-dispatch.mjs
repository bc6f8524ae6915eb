// Outbox dispatcher throughput to a local `_bulk` endpoint (a separate process
// answering like OpenSearch), and a 100,000-entry backlog drained with RSS
// measured before, during and after. Prints one JSON line.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dist, tempDir } from './lib.mjs';

const BULK_SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    if (!req.url.startsWith('/_bulk')) return res.end('{"acknowledged":true}');
    const lines = Buffer.concat(chunks).toString('utf8').split('\\n');
    const items = [];
    for (let i = 0; i + 1 < lines.length; i += 2) {
      if (!lines[i]) continue;
      const id = JSON.parse(lines[i]).index._id;
      items.push('{"index":{"_id":' + JSON.stringify(id) + ',"status":201,"result":"created"}}');
    }
    res.end('{"took":1,"errors":false,"items":[' + items.join(',') + ']}');
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

function startBulkServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', BULK_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.once('data', (d) => resolve({ url: `http://127.0.0.1:${String(d).trim()}`, stop: () => child.kill() }));
    child.once('error', reject);
  });
}

const rssMb = () => Math.round((process.memoryUsage().rss / 2 ** 20) * 10) / 10;
const gc = () => globalThis.gc?.();

function record(i) {
  const curationType = `bench-curation-${i % 20}`;
  return {
    curationType,
    timestamp: 1_800_000_000_000 + i,
    curationExecutionName: `20270104100000BENCH${String(i).padStart(7, '0')}_${curationType}`,
    scriptFileCommitId: '0123456789abcdef0123456789abcdef01234567',
    glueDetails: { database: 'wildrydes', tables: ['rydebookings', 'wildrydes-external.ryders'] },
    outputDetails: { outputBucket: 'curated', outputFolderPath: 'out/', filename: 'bench', metadata: { owner: 'data' }, tags: { project: 'bench' } },
    curationOutputLocation: `s3://curated/out/bench${i}.csv`,
    status: 'succeeded',
    trigger: 'schedule',
    startedAt: new Date(1_800_000_000_000 + i - 1000).toISOString(),
    durationMs: 1000,
    rowCount: 1000 + i,
    bytesWritten: 65_536,
    attempt: 1,
    engine: 'duckdb',
  };
}

async function enqueue(store, sink, from, count) {
  for (let start = from; start < from + count; start += 10_000) {
    const entries = [];
    for (let i = start; i < Math.min(from + count, start + 10_000); i++) {
      const r = record(i);
      entries.push({ id: `ob-bench-${i}`, destination: sink, curationType: r.curationType, executionName: r.curationExecutionName, event: 'history', payload: r });
    }
    await store.applyAlerts(() => ({ entries, upsert: [], close: [] }));
  }
}

async function drain(deps, store, startDispatcher) {
  let peak = rssMb();
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 100);
  const t0 = performance.now();
  const dispatcher = startDispatcher(deps);
  while ((await store.countOutbox()).pending > 0) await new Promise((r) => setTimeout(r, 50));
  const seconds = (performance.now() - t0) / 1000;
  await dispatcher.stop();
  clearInterval(sampler);
  return { seconds, peak };
}

export async function outboxDispatch({ throughputRecords = 20_000, backlog = 100_000 } = {}) {
  const { SqliteStateStore } = await import(dist('adapters/sqlite/sqlite-state-store.js'));
  const { systemClock } = await import(dist('adapters/system/system-clock.js'));
  const { outboxSettingsSchema } = await import(dist('domain/notify/outbox-settings.js'));
  const { AdapterDestinations } = await import(dist('drivers/common/destinations.js'));
  const { startDispatcher } = await import(dist('notify/dispatcher.js'));

  const dir = tempDir();
  const server = await startBulkServer();
  const store = SqliteStateStore.open(path.join(dir, 'state.db'));
  const sink = { type: 'opensearch', node: server.url, index: 'bench-history', id: 'bench-sink', batchSize: 500 };
  const destinations = new AdapterDestinations();
  const deps = { outbox: store, destinations, clock: systemClock, owner: 'bench', settings: outboxSettingsSchema.parse({ batchSize: 500, pollMs: 20 }) };
  try {
    await enqueue(store, sink, 0, throughputRecords);
    const fast = await drain(deps, store, startDispatcher);
    await store.pruneOutbox(new Date(Date.now() + 60_000));

    await enqueue(store, sink, throughputRecords, backlog);
    gc();
    const rssBeforeMb = rssMb();
    const big = await drain(deps, store, startDispatcher);
    gc();
    const rssAfterMb = rssMb();
    const delivered = (await store.countOutbox()).delivered;
    if (delivered !== backlog) throw new Error(`delivered ${delivered} of ${backlog}`);
    return {
      recordsPerSecond: Math.round(throughputRecords / fast.seconds),
      throughputRecords,
      backlogRecords: backlog,
      backlogDrainSeconds: Math.round(big.seconds * 10) / 10,
      backlogRecordsPerSecond: Math.round(backlog / big.seconds),
      rssBeforeMb,
      rssPeakMb: big.peak,
      rssAfterMb,
      rssGrowthMb: Math.round((rssAfterMb - rssBeforeMb) * 10) / 10,
    };
  } finally {
    await destinations.close();
    await store.close();
    server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await outboxDispatch()));
}
