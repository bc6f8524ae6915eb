import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BucketPaths } from '../adapters/localfs/bucket-paths.js';
import { LocalObjectStore } from '../adapters/localfs/local-object-store.js';
import { parseCuration } from '../domain/curation.js';
import type { ObjectAttributes } from '../ports/state-store.js';
import { WILDRYDES_DATA_BUCKET, wildrydesCuration, wildrydesScript, writeWildrydesData } from './wildrydes.js';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'adp-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function storeAt(root: string): LocalObjectStore {
  const attrs = new Map<string, ObjectAttributes>();
  return new LocalObjectStore({
    paths: new BucketPaths(root),
    attributes: {
      putObjectAttributes: async (b, k, a) => void attrs.set(`${b}/${k}`, a),
      getObjectAttributes: async (b, k) => attrs.get(`${b}/${k}`),
      deleteObjectAttributes: async (b, k) => void attrs.delete(`${b}/${k}`),
    },
  });
}

const BUCKET = 'wildrydes-data';
const PARTITION_FILE = /^rydebookings\/year=(\d{4})\/month=(0[1-9]|1[0-2])\/day=(0[1-9]|[12]\d|3[01])\/part-\d{5}\.json$/;

/** Every file of the bucket, key -> bytes. */
function filesOf(root: string): Map<string, Buffer> {
  const base = path.join(root, BUCKET);
  const out = new Map<string, Buffer>();
  for (const rel of fs.readdirSync(base, { recursive: true }) as string[]) {
    const full = path.join(base, rel);
    if (fs.statSync(full).isFile()) out.set(rel.split(path.sep).join('/'), fs.readFileSync(full));
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

function jsonLines(buf: Buffer): Record<string, unknown>[] {
  return buf.toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('writeWildrydesData', () => {
  it('writes identical bytes for the same seed, and different ones for another seed', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map((n) => path.join(tmp, n));
    await writeWildrydesData({ objects: storeAt(a!), bucket: BUCKET, rows: 5_000, seed: 7 });
    await writeWildrydesData({ objects: storeAt(b!), bucket: BUCKET, rows: 5_000, seed: 7 });
    await writeWildrydesData({ objects: storeAt(c!), bucket: BUCKET, rows: 5_000, seed: 8 });
    // Digests, not bytes: a deep equality over megabytes of Buffers takes seconds.
    const digests = (root: string) => new Map([...filesOf(root)].map(([k, v]) => [k, createHash('sha256').update(v).digest('hex')]));
    const first = digests(a!);
    expect(first.size).toBeGreaterThan(20);
    expect(digests(b!)).toEqual(first);
    const other = digests(c!);
    expect([...other.keys()]).toEqual([...first.keys()]);
    for (const [key, digest] of other) expect(digest, key).not.toBe(first.get(key));
  });

  it('writes exactly `rows` bookings into valid hive partitions, each under its own day', async () => {
    const root = path.join(tmp, 'r');
    const { tables } = await writeWildrydesData({ objects: storeAt(root), bucket: BUCKET, rows: 3_001 });
    const files = filesOf(root);
    const ryders = jsonLines(files.get('ryders/part-00000.json')!);
    const ryderIds = new Set(ryders.map((r) => r.ryder_id));
    expect(ryders.length).toBeGreaterThanOrEqual(10);
    for (const r of ryders) {
      expect(Object.keys(r)).toEqual(['ryder_id', 'name', 'email', 'home_city', 'signup_date']);
      expect(r.email).toMatch(/^[a-z.0-9]+@example\.com$/);
    }

    const ids = new Set<unknown>();
    let total = 0;
    const days = new Set<string>();
    for (const [key, bytes] of files) {
      if (key.startsWith('ryders/')) continue;
      const m = PARTITION_FILE.exec(key);
      expect(m, key).not.toBeNull();
      const day = `${m![1]}-${m![2]}-${m![3]}`;
      days.add(day);
      for (const row of jsonLines(bytes)) {
        total++;
        ids.add(row.booking_id);
        const problems = [
          String(row.booked_at).slice(0, 10) !== day && 'booked_at outside its partition',
          Number.isNaN(Date.parse(String(row.booked_at))) && 'booked_at not a date',
          !ryderIds.has(row.ryder_id) && 'unknown ryder',
          !['completed', 'cancelled', 'no_show'].includes(String(row.status)) && 'bad status',
          typeof row.fare_usd !== 'number' && 'fare not a number',
          !((row.distance_km as number) >= 0) && 'negative distance',
          !/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/.test(String(row.booking_id)) && 'bad booking_id',
        ].filter(Boolean);
        if (problems.length) expect.fail(`${key}: ${problems.join(', ')} in ${JSON.stringify(row)}`);
      }
    }
    expect(total).toBe(3_001);
    expect(ids.size).toBe(3_001);
    expect(days.size).toBe(30);
    expect([...days].sort()[0]).toBe('2026-12-15');
    expect([...days].sort().at(-1)).toBe('2027-01-13');
    expect(tables).toEqual([
      { database: 'wildrydes', name: 'rydebookings', location: { bucket: BUCKET, prefix: 'rydebookings/' }, format: 'json', hivePartitioning: true },
      { database: 'wildrydes-external', name: 'ryders', location: { bucket: BUCKET, prefix: 'ryders/' }, format: 'json', hivePartitioning: false },
    ]);
  });

  it('splits busy days into several parts and reports progress up to the total', async () => {
    const root = path.join(tmp, 'p');
    const progress: Array<[number, number]> = [];
    await writeWildrydesData({ objects: storeAt(root), bucket: BUCKET, rows: 3_000, rowsPerPart: 40, onProgress: (d, t) => progress.push([d, t]) });
    const keys = [...filesOf(root).keys()].filter((k) => k.startsWith('rydebookings/'));
    expect(keys.some((k) => k.endsWith('part-00002.json'))).toBe(true);
    expect(progress).toHaveLength(keys.length);
    expect(progress.at(-1)).toEqual([3_000, 3_000]);
    expect(progress.every(([d], i) => i === 0 || d > progress[i - 1]![0])).toBe(true);
  });

  it('removes partitions of an earlier, larger run', async () => {
    const root = path.join(tmp, 's');
    const objects = storeAt(root);
    await objects.createBucket(BUCKET);
    await objects.putText(BUCKET, 'other/keep.txt', 'x');
    await writeWildrydesData({ objects, bucket: BUCKET, rows: 1_000 });
    await writeWildrydesData({ objects, bucket: BUCKET, rows: 3 });
    const keys = [...filesOf(root).keys()];
    expect(keys.filter((k) => k.startsWith('rydebookings/'))).toHaveLength(3);
    expect(keys).toContain('other/keep.txt');
  });

  // How fast is measured by bench/example-data.mjs (10,000 rows well under a second); here, the shape that
  // makes it fast: one write per file, not per row, with generation overlapping one write at a time.
  it('writes 10,000 rows as one put per file, at most one put in flight', async () => {
    const objects = storeAt(path.join(tmp, 'f'));
    const puts: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const putText = objects.putText.bind(objects);
    objects.putText = async (bucket, key, body) => {
      puts.push(key);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        return await putText(bucket, key, body);
      } finally {
        inFlight -= 1;
      }
    };
    await writeWildrydesData({ objects, bucket: BUCKET, rows: 10_000 });
    expect(puts).toHaveLength(1 + 30);
    expect(new Set(puts).size).toBe(puts.length);
    expect(puts.filter((k) => /^rydebookings\/year=\d{4}\/month=\d\d\/day=\d\d\/part-00000\.json$/.test(k))).toHaveLength(30);
    expect(maxInFlight).toBe(1);
  });

  it('is data DuckDB reads as typed, hive-partitioned tables that join', async () => {
    const root = path.join(tmp, 'd');
    await writeWildrydesData({ objects: storeAt(root), bucket: BUCKET, rows: 2_000 });
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      const bookings = `read_json('${root}/${BUCKET}/rydebookings/**/*.json', hive_partitioning = true)`;
      const ryders = `read_json('${root}/${BUCKET}/ryders/*.json')`;
      const result = await c.runAndReadAll(
        `SELECT count(*)::INT AS n, count(r.ryder_id)::INT AS joined, min(b.year)::INT AS y0, max(b.year)::INT AS y1,
                typeof(any_value(b.booked_at)) AS ts, typeof(any_value(b.fare_usd)) AS fare
         FROM ${bookings} b LEFT JOIN ${ryders} r USING (ryder_id)`,
      );
      expect(result.getRowObjectsJS()).toEqual([{ n: 2_000, joined: 2_000, y0: 2026, y1: 2027, ts: 'TIMESTAMP', fare: 'DOUBLE' }]);
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });
});

describe('the wildrydes sample definition', () => {
  it('is a valid curation that reads the sample script', () => {
    const def = parseCuration(wildrydesCuration);
    expect(def.curationType).toBe('wildrydes-rydebooking');
    expect(def.sqlFilePath).toBe(wildrydesScript.path);
    expect(wildrydesScript.text.trim()).toBe('select * from wildrydes.rydebookings;');
    expect(WILDRYDES_DATA_BUCKET).toMatch(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/);
  });
});
