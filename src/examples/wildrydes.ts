import type { CurationDefinition } from '../domain/curation.js';
import type { TableInfo } from '../ports/catalog.js';
import type { ObjectStore } from '../ports/object-store.js';
import { mulberry32 } from './seeded-random.js';
import { AsciiWriter } from './ascii-writer.js';
import { rowsPerDay, ryderRows, writeBookingRow } from './wildrydes-rows.js';

/** The bucket `adp init --example wildrydes` writes the sample tables to (the lake's staged data). */
export const WILDRYDES_DATA_BUCKET = 'wildrydes-dev-staging';

/** The first day of ride bookings (UTC); the 30 days run across a month and a year boundary. */
export const WILDRYDES_FIRST_DAY = '2026-12-15';
export const WILDRYDES_DAYS = 30;
/** Bookings per file; a busier day gets `part-00001.json` and so on. */
export const ROWS_PER_PART = 100_000;

/** The sample's curation, schedule included: `cron(* 0/3 * * ? *)` fires every minute of every third hour (as the sample wrote it). Publishes a timestamped CSV with metadata and tags. */
export const wildrydesCuration: CurationDefinition = {
  curationType: 'wildrydes-rydebooking',
  sqlFilePath: 'wildrydes/rydebooking-curation.sql',
  cronExpression: 'cron(* 0/3 * * ? *)',
  glueDetails: {
    database: 'wildrydes',
    tables: ['rydebookings', 'wildrydes-external.ryders'],
  },
  athenaDetails: {
    athenaOutputBucket: 'wildrydes-dev-athena-output',
    athenaOutputFolderPath: 'adp/',
    deleteAthenaQueryFile: false,
    deleteMetadataFile: true,
  },
  outputDetails: {
    outputBucket: 'wildrydes-dev-curated',
    outputFolderPath: 'wildrydes/',
    filename: 'wildrydes',
    includeTimestampInFilename: true,
    metadata: {
      creator: 'Eunice the Unicorn',
      quality: 'HIGH',
      sourcesystem: 'Curation Engine Demonstration',
    },
    tags: {
      dataOwner: 'Wildrydes',
      dataSource: 'RydeBookings',
      pii: 'FALSE',
    },
  },
};

/** The sample's SQL script and where it lives in the scripts repository. */
export const wildrydesScript = {
  path: 'wildrydes/rydebooking-curation.sql',
  text: 'select * from wildrydes.rydebookings;\n',
} as const;

export interface WildrydesDataOptions {
  readonly objects: ObjectStore;
  /** Created if missing; both tables live in it. */
  readonly bucket: string;
  /** How many ride bookings to write. */
  readonly rows: number;
  /** Same seed, same bytes. Default 42. */
  readonly seed?: number;
  /** Bookings per file at most (default {@link ROWS_PER_PART}). */
  readonly rowsPerPart?: number;
  /** Called after each file with the bookings written so far. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Writes the sample data set into `bucket` and returns the two tables to put
 * in the catalog:
 * - `wildrydes.rydebookings`: newline-delimited JSON, hive partitioned as
 *   `rydebookings/year=YYYY/month=MM/day=DD/part-NNNNN.json`, over 30 days;
 * - `wildrydes-external.ryders`: `ryders/part-00000.json`, the people who book.
 * Earlier files under those two prefixes that this run did not write are removed,
 * so a second run with fewer rows leaves no stale partitions.
 *
 * @example
 * const { tables } = await writeWildrydesData({ objects, bucket: 'wildrydes-data', rows: 10_000 });
 * for (const t of tables) await catalog.putTable(t);
 */
export async function writeWildrydesData(options: WildrydesDataOptions): Promise<{ tables: TableInfo[] }> {
  const { objects, bucket, onProgress } = options;
  const rows = Math.max(0, Math.floor(options.rows));
  const perPart = Math.max(1, Math.floor(options.rowsPerPart ?? ROWS_PER_PART));
  const random = mulberry32(options.seed ?? 42);
  const firstDayMs = Date.parse(`${WILDRYDES_FIRST_DAY}T00:00:00Z`);
  if (!(await objects.bucketExists(bucket))) await objects.createBucket(bucket);

  const written = new Set<string>();
  let pending: Promise<void> = Promise.resolve();
  // One write in flight while the next file is generated: CPU and disk overlap.
  const put = async (key: string, body: string, doneAfter?: number) => {
    await pending;
    written.add(key);
    pending = objects.putText(bucket, key, body).then(() => {
      if (doneAfter !== undefined) onProgress?.(doneAfter, rows);
    });
  };

  const ryders = ryderRows(random, Math.min(5_000, Math.max(10, Math.ceil(rows / 25))), firstDayMs);
  await put('ryders/part-00000.json', ryders.body);

  let done = 0;
  const counts = rowsPerDay(random, rows, WILDRYDES_DAYS, firstDayMs);
  for (const [d, count] of counts.entries()) {
    const iso = new Date(firstDayMs + d * 86_400_000).toISOString().slice(0, 10);
    const [y, m, day] = iso.split('-');
    for (let part = 0; part * perPart < count; part++) {
      const n = Math.min(perPart, count - part * perPart);
      const body = new AsciiWriter(n * 340);
      for (let i = 0; i < n; i++) writeBookingRow(body, random, done + i, iso, ryders);
      done += n;
      await put(`rydebookings/year=${y}/month=${m}/day=${day}/part-${String(part).padStart(5, '0')}.json`, body.text(), done);
    }
  }
  await pending;
  if (rows === 0) onProgress?.(0, 0);

  for (const prefix of ['rydebookings/', 'ryders/']) {
    for (const key of await objects.list(bucket, prefix)) if (!written.has(key)) await objects.delete(bucket, key);
  }
  return { tables: wildrydesTables(bucket) };
}

/** The catalog entries of the sample data written to `bucket`. */
export function wildrydesTables(bucket: string): TableInfo[] {
  return [
    { database: 'wildrydes', name: 'rydebookings', location: { bucket, prefix: 'rydebookings/' }, format: 'json', hivePartitioning: true },
    { database: 'wildrydes-external', name: 'ryders', location: { bucket, prefix: 'ryders/' }, format: 'json', hivePartitioning: false },
  ];
}
