// The HTTP API and dashboard of `adp serve` over a state store holding 1,000,000
// history records (20 curations, one year): GET /history for one curation, 50
// rows, p95 over loopback (first pages and pages deep in the history); the
// dashboard's first load in Chromium (when installed) or as its HTTP requests;
// idle RSS of the `adp serve` process. Prints one JSON line.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { BENCH_TOKEN, CHROMIUM, exampleHomeWithCurations, launchChromium, percentile, median, startServe, stopServe } from './lib.mjs';

const ROWS = Number(process.env.ADP_BENCH_HISTORY_ROWS ?? 1_000_000);
const CURATIONS = 20;
const TYPE = 'wildrydes-rydebooking';
const REQUESTS = 400;

/** The example home with 19 more curations and ROWS history records written straight into state.db. */
async function seededHome() {
  const { home, stateDb, types } = await exampleHomeWithCurations(CURATIONS);

  const db = new Database(stateDb);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const t0 = performance.now();
  const now = Date.now();
  const spacing = Math.floor((365 * 24 * 3600 * 1000) / ROWS);
  const typeList = types.map((t) => `'${t}'`).join(', ');
  // Generated inside SQLite: a JS insert loop would dominate the set-up time. Records carry every field a real one has.
  db.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1),
     t(k, name) AS (SELECT key, value FROM json_each(json_array(${typeList}))),
     r AS (
       SELECT i, t.name AS type, ? - (? - i) * ? AS ts,
              printf('%014d%06d_', i, i) || replace(t.name, '-', '_') AS exec,
              CASE WHEN i % 100 < 90 THEN 'succeeded' WHEN i % 100 < 97 THEN 'failed' WHEN i % 100 < 99 THEN 'timed_out' ELSE 'cancelled' END AS s,
              200 + (i * 7919) % 60000 AS dur
       FROM n JOIN t ON t.k = i % ${CURATIONS}
     )
     INSERT INTO history (curation_type, timestamp, execution_name, status, started_ms, started_minute, scheduled_ms, duration_ms, duration_band, record)
     SELECT type, ts, exec, s, ts - dur, CAST((ts - dur) / 60000 AS INTEGER), ts - dur, dur, CASE WHEN dur < 10 THEN 0 WHEN dur < 100 THEN 1 WHEN dur < 1000 THEN 2 WHEN dur < 10000 THEN 3 WHEN dur < 100000 THEN 4 WHEN dur < 1000000 THEN 5 WHEN dur < 10000000 THEN 6 ELSE 7 END, json_object(
       'curationType', type, 'timestamp', ts, 'curationExecutionName', exec,
       'scriptFileCommitId', '0123456789abcdef0123456789abcdef01234567',
       'glueDetails', json('{"database":"wildrydes","tables":["rydebookings","wildrydes-external.ryders"]}'),
       'outputDetails', json('{"outputBucket":"wildrydes-dev-curated","outputFolderPath":"wildrydes/","filename":"wildrydes","includeTimestampInFilename":true,"metadata":{"creator":"Eunice the Unicorn"},"tags":{"dataOwner":"Wildrydes"}}'),
       'queryOutputLocation', 'file:///lake/buckets/wildrydes-dev-athena-output/adp/' || exec || '.csv',
       'curationOutputLocation', CASE WHEN s = 'succeeded' THEN 'file:///lake/buckets/wildrydes-dev-curated/wildrydes/wildrydes.csv' END,
       'athenaQueryExecutionId', lower(hex(randomblob(16))),
       'metadata', json('{"creator":"Eunice the Unicorn"}'), 'tags', json('{"dataOwner":"Wildrydes"}'),
       'error', CASE WHEN s = 'failed' THEN 'QUERY_FAILED' WHEN s = 'timed_out' THEN 'QUERY_TIMEOUT' WHEN s = 'cancelled' THEN 'QUERY_CANCELLED' END,
       'status', s, 'trigger', 'schedule',
       'scheduledTime', strftime('%Y-%m-%dT%H:%M:%fZ', (ts - dur) / 1000.0, 'unixepoch'),
       'startedAt', strftime('%Y-%m-%dT%H:%M:%fZ', (ts - dur) / 1000.0, 'unixepoch'),
       'durationMs', dur, 'rowCount', CASE WHEN s = 'succeeded' THEN 200 END, 'bytesWritten', CASE WHEN s = 'succeeded' THEN 31000 END,
       'sqlSha256', '423e33998c54f815423e33998c54f815423e33998c54f815423e33998c54f815', 'attempt', 1, 'engine', 'duckdb')
     FROM r`,
  ).run(ROWS, now, ROWS, spacing);
  const count = db.prepare('SELECT count(*) AS n FROM history').get().n;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  if (count < ROWS) throw new Error(`seeded ${count} of ${ROWS} history records`);
  return { home, seedSeconds: (performance.now() - t0) / 1000 };
}


function rssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}

async function timed(url) {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${BENCH_TOKEN}` } });
  const body = await res.json();
  if (!res.ok) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
  return { ms: performance.now() - t0, body };
}

/** p95 of GET /history for one curation, 50 rows: first pages, and pages reached by cursor deep in the year. */
async function historyLatency(url) {
  const first = `${url}/api/v1/history?curationType=${TYPE}&limit=50`;
  for (let i = 0; i < 50; i++) await timed(first);
  const firstMs = [];
  for (let i = 0; i < REQUESTS; i++) firstMs.push((await timed(first)).ms);
  // Cursors spread over the whole history (page 1, 50, 100, …), then timed.
  const cursors = [];
  let cursor;
  for (let page = 0; page < 1000 && cursors.length < 20; page++) {
    const { body } = await timed(`${first}${cursor ? `&cursor=${cursor}` : ''}`);
    cursor = body.nextCursor;
    if (!cursor) break;
    if (page % 50 === 0) cursors.push(cursor);
  }
  const deepMs = [];
  for (let i = 0; i < REQUESTS; i++) deepMs.push((await timed(`${first}&cursor=${cursors[i % cursors.length]}`)).ms);
  return { firstMs, deepMs };
}

/** The dashboard in Chromium: navigation until the curations table and the timeline are drawn. */
async function browserFirstLoad(url) {
  const browser = await launchChromium();
  const { context } = browser;
  try {
    const page = await context.newPage();
    await page.goto(`${url}/?token=${BENCH_TOKEN}`); // logs in (sets the cookie); not timed
    const times = [];
    for (let i = 0; i < 5; i++) {
      await page.goto('about:blank');
      const t0 = performance.now();
      await page.goto(`${url}/`);
      await page.locator('table.curations tbody tr').first().waitFor();
      await page.locator('table.data').last().locator('tbody tr').first().waitFor();
      await page.locator('.timeline-plot canvas').first().waitFor();
      times.push(performance.now() - t0);
    }
    return { ms: median(times), first: times[0] };
  } finally {
    await browser.close();
  }
}

/** Without a browser: the requests the dashboard's first load makes, in the order it makes them. */
async function httpFirstLoad(url) {
  const t0 = performance.now();
  for (const asset of ['/', '/assets/app.js', '/assets/styles.css']) await (await fetch(`${url}${asset}`)).arrayBuffer();
  const from = Date.now() - 24 * 3600 * 1000;
  await Promise.all([
    timed(`${url}/api/v1/runs`),
    timed(`${url}/api/v1/curations`),
    (async () => {
      let cursor;
      do {
        const { body } = await timed(`${url}/api/v1/history?from=${from}&limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
        cursor = body.nextCursor;
      } while (cursor);
    })(),
  ]);
  return performance.now() - t0;
}

export async function historyApi() {
  const { home, seedSeconds } = await seededHome();
  const { child, url } = await startServe(home);
  try {
    await new Promise((r) => setTimeout(r, 1500));
    const { firstMs, deepMs } = await historyLatency(url);
    const load = CHROMIUM ? await browserFirstLoad(url) : { ms: await httpFirstLoad(url) };
    const httpLoadMs = await httpFirstLoad(url);
    if (global.gc) global.gc();
    await new Promise((r) => setTimeout(r, 3000));
    const idleRssMb = rssMb(child.pid);
    return {
      historyRecords: ROWS,
      seedSeconds,
      historyListP50Ms: median(firstMs),
      historyListP95Ms: percentile(firstMs, 95),
      historyDeepPageP95Ms: percentile(deepMs, 95),
      dashboardFirstLoadMs: load.ms,
      dashboardFirstLoadColdMs: load.first,
      dashboardFirstLoadHow: CHROMIUM ? 'chromium' : 'http',
      dashboardHttpRequestsMs: httpLoadMs,
      idleRssMb,
    };
  } finally {
    await stopServe(child);
    fs.rmSync(home, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await historyApi()));
}
