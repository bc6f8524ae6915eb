// The runs timeline over 1,000,000 history records that all started in the last 24 hours
// (ADP_BENCH_TIMELINE_ROWS to change): the dashboard's first load in Chromium, from navigation
// start until the timeline shows its buckets (GET /timeline, grouped by the store), against,
// in the same run and alternating, the way the dashboard loaded it before: whole records
// through GET /history pages, capped at 3,000 (it drew 0.3% of the runs), from navigation
// start to the last page. Also GET /timeline alone over loopback. Goal: first load under
// 1 s. Prints one JSON line.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { alternatingPairs, BENCH_TOKEN, CHROMIUM, exampleHomeWithCurations, launchChromium, median, pairedRatios, spread, startServe, stopServe } from './lib.mjs';

const ROWS = Number(process.env.ADP_BENCH_TIMELINE_ROWS ?? 1_000_000);
const PAIRS = Number(process.env.ADP_BENCH_PAIRS ?? 7);
const GOAL_MS = 1000;
const CURATIONS = 20;
const DAY = 24 * 3600 * 1000;

/** The example home with 19 more curations and ROWS records of the last 24 h written straight into state.db. */
async function seededHome() {
  const { home, stateDb, types } = await exampleHomeWithCurations(CURATIONS);

  const db = new Database(stateDb);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const t0 = performance.now();
  const end = Date.now() - 60_000;
  const typeList = types.map((t) => `'${t}'`).join(', ');
  // Generated inside SQLite; durations spread over four decades so every band has runs.
  db.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1),
     t(k, name) AS (SELECT key, value FROM json_each(json_array(${typeList}))),
     r AS (
       SELECT i, t.name AS type, CAST(? - (? - i) * ? AS INTEGER) AS st,
              printf('%014d%06d_', i, i) || replace(t.name, '-', '_') AS exec,
              CASE WHEN i % 100 < 90 THEN 'succeeded' WHEN i % 100 < 97 THEN 'failed' WHEN i % 100 < 99 THEN 'timed_out' ELSE 'cancelled' END AS s,
              CAST(20 * pow(10, ((i * 7919) % 1000) / 250.0) AS INTEGER) AS dur
       FROM n JOIN t ON t.k = i % ${CURATIONS}
     )
     INSERT INTO history (curation_type, timestamp, execution_name, status, started_ms, started_minute, scheduled_ms, duration_ms, duration_band, record)
     SELECT type, st + dur, exec, s, st, st / 60000, st - 5000, dur, CASE WHEN dur < 10 THEN 0 WHEN dur < 100 THEN 1 WHEN dur < 1000 THEN 2 WHEN dur < 10000 THEN 3 WHEN dur < 100000 THEN 4 WHEN dur < 1000000 THEN 5 WHEN dur < 10000000 THEN 6 ELSE 7 END, json_object(
       'curationType', type, 'timestamp', st + dur, 'curationExecutionName', exec,
       'scriptFileCommitId', '0123456789abcdef0123456789abcdef01234567',
       'outputDetails', json('{"outputBucket":"wildrydes-dev-curated","outputFolderPath":"wildrydes/","filename":"wildrydes","includeTimestampInFilename":true,"metadata":{"creator":"Eunice the Unicorn"},"tags":{"dataOwner":"Wildrydes"}}'),
       'queryOutputLocation', 'file:///lake/buckets/wildrydes-dev-athena-output/adp/' || exec || '.csv',
       'error', CASE WHEN s = 'failed' THEN 'QUERY_FAILED' WHEN s = 'timed_out' THEN 'QUERY_TIMEOUT' WHEN s = 'cancelled' THEN 'QUERY_CANCELLED' END,
       'status', s, 'trigger', 'schedule',
       'scheduledTime', strftime('%Y-%m-%dT%H:%M:%fZ', (st - 5000) / 1000.0, 'unixepoch'),
       'startedAt', strftime('%Y-%m-%dT%H:%M:%fZ', st / 1000.0, 'unixepoch'),
       'durationMs', dur, 'attempt', 1, 'engine', 'duckdb')
     FROM r`,
  ).run(ROWS, end, ROWS, (DAY - 120_000) / ROWS);
  const count = db.prepare('SELECT count(*) AS n FROM history').get().n;
  db.exec('ANALYZE');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  if (count < ROWS) throw new Error(`seeded ${count} of ${ROWS} history records`);
  return { home, seedSeconds: (performance.now() - t0) / 1000 };
}


/** GET /timeline for the last 24 h from Node, as the dashboard asks for it (p50 of 10, after 2 warm-ups). */
async function apiTimes(url) {
  const ms = [];
  let body;
  for (let i = 0; i < 12; i++) {
    const t0 = performance.now();
    const res = await fetch(`${url}/api/v1/timeline?from=${Date.now() - DAY}&by=started&pointLimit=3000&buckets=400`, { headers: { authorization: `Bearer ${BENCH_TOKEN}` } });
    body = await res.json();
    if (!res.ok) throw new Error(`GET /timeline: ${res.status} ${JSON.stringify(body)}`);
    if (i >= 2) ms.push(performance.now() - t0);
  }
  return { ms, total: body.total, cells: body.cells?.length ?? 0 };
}

async function browserLoads(url) {
  const browser = await launchChromium();
  const { context } = browser;
  try {
    const page = await context.newPage();
    await page.goto(`${url}/?token=${BENCH_TOKEN}`); // logs in (sets the cookie); not timed
    await page.locator('figure.timeline[data-mode="buckets"]').waitFor({ timeout: 60_000 });
    // The page notes when the timeline first shows its buckets (ms since navigation start): what a user waits for.
    await page.addInitScript(() => {
      new MutationObserver(() => {
        if (!window.__drawnAt && document.querySelector('figure.timeline[data-mode="buckets"]')) window.__drawnAt = performance.now();
      }).observe(document, { subtree: true, childList: true, attributes: true });
    });
    const wall = [];
    /** Navigation until the timeline has drawn its buckets of all ROWS runs. */
    const timeline = async () => {
      await page.goto('about:blank');
      const t0 = performance.now();
      await page.goto(`${url}/`);
      await page.locator(`figure.timeline[data-mode="buckets"]`).waitFor({ timeout: 60_000 });
      wall.push(performance.now() - t0);
      const total = Number(await page.locator('figure.timeline').getAttribute('data-total'));
      if (total < ROWS * 0.99) throw new Error(`the timeline drew ${total} runs, expected about ${ROWS}`);
      return page.evaluate(() => window.__drawnAt);
    };
    /** The previous loader: whole records of the last 24 h through /history pages of 1,000, up to 3,000, on the API page (no timeline). */
    const records = async () => {
      await page.goto('about:blank');
      await page.goto(`${url}/#/api`);
      return page.evaluate(async ({ from }) => {
        let cursor;
        let n = 0;
        while (n < 3000) {
          const q = new URLSearchParams({ from: String(from), limit: '1000', ...(cursor ? { cursor } : {}) });
          const res = await fetch(`/api/v1/history?${q}`);
          const page = await res.json();
          n += page.records.length;
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
        return performance.now();
      }, { from: Date.now() - DAY });
    };
    const [timelineMs, recordsMs] = await alternatingPairs(PAIRS, timeline, records);
    return { timelineMs, recordsMs, wallMs: wall.slice(1) };
  } finally {
    await browser.close();
  }
}

export async function timelineLoad() {
  const { home, seedSeconds } = await seededHome();
  const { child, url } = await startServe(home);
  try {
    const api = await apiTimes(url);
    if (api.total !== ROWS) throw new Error(`GET /timeline counted ${api.total} runs, expected ${ROWS}`);
    const result = { records: ROWS, seedSeconds, apiTimelineP50Ms: median(api.ms), apiTimelineSpread: spread(api.ms), apiCells: api.cells };
    if (!CHROMIUM) return { ...result, browser: 'chromium not installed: first load not measured' };
    const { timelineMs, recordsMs, wallMs } = await browserLoads(url);
    const r = pairedRatios(timelineMs, recordsMs, 1);
    return {
      ...result,
      firstLoadMsMedian: median(timelineMs),
      firstLoadSpread: spread(timelineMs),
      firstLoadWithPlaywrightMsMedian: median(wallMs),
      firstLoadGoalMs: GOAL_MS,
      ok: median(timelineMs) < GOAL_MS,
      previousLoaderMsMedian: median(recordsMs),
      previousLoaderSpread: spread(recordsMs),
      ratioMedian: r.ratioMedian,
      ratioMin: r.ratioMin,
      ratioMax: r.ratioMax,
      pairs: timelineMs.length,
    };
  } finally {
    await stopServe(child);
    fs.rmSync(home, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await timelineLoad()));
}
