import { sha256Hex } from './sha256.js';
import type { OutputFormat } from './curation.js';

/** `YYYYmmddHHMMSS` in UTC: the stamp of execution names and timestamped filenames. */
export function utcStamp(at: Date): string {
  return at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Six random `[A-Z0-9]`, the sample's collision guard between runs started in the same second. */
export function randomSuffix(random: () => number = Math.random): string {
  let s = '';
  for (let i = 0; i < 6; i++) s += ALPHABET[Math.floor(random() * ALPHABET.length) % ALPHABET.length];
  return s;
}

/**
 * The sample's execution name: stamp + 6 random characters + `_` + the
 * curation type with every run of non-word characters replaced by `_`, cut to 80.
 *
 * @example executionName(new Date('2027-01-04T10:00:00Z'), 'wildrydes-rydebooking', 'K3QZ8A')
 * // '20270104100000K3QZ8A_wildrydes_rydebooking'
 */
export function executionName(at: Date, curationType: string, suffix: string = randomSuffix()): string {
  return `${utcStamp(at)}${suffix}_${curationType.replace(/\W+/g, '_')}`.slice(0, 80);
}

/** The UTC instant encoded at the start of an execution name. */
export function executionNameTime(name: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(name);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  return new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
}

/** EventBridge rules and Scheduler schedules allow names of at most 64 characters. */
export const MAX_RULE_NAME = 64;
const RULE_SUFFIX = '-scheduled-curation';
const HASH_CHARS = 8;

/**
 * The EventBridge rule / schedule name for a curation: the sample's
 * `{curationType}-scheduled-curation` whenever it fits in 64 characters;
 * for longer types, a cut of the type plus 8 hex of its SHA-256, so each
 * type keeps one name of its own, the same on every machine.
 */
export function scheduleRuleName(curationType: string): string {
  const name = `${curationType}${RULE_SUFFIX}`;
  if (name.length <= MAX_RULE_NAME) return name;
  const keep = MAX_RULE_NAME - RULE_SUFFIX.length - HASH_CHARS - 1;
  return `${curationType.slice(0, keep)}-${sha256Hex(curationType).slice(0, HASH_CHARS)}${RULE_SUFFIX}`;
}

export function formatExtension(format: OutputFormat): string {
  return format;
}

/**
 * Where the published file lands: folder + (filename [+ stamp] or the query
 * execution id) + extension. Without `outputFolderPath` the raw result's folder is used.
 */
export function finalOutputKey(args: {
  folder: string;
  filename: string | undefined;
  includeTimestamp: boolean | undefined;
  stamp: string;
  queryExecutionId: string;
  format: OutputFormat;
  /** Overrides the format's extension, e.g. `csv.gz` for a compressed file. */
  extension?: string;
  /** A partitioned output: a folder `<name>/`, no extension. */
  partitioned?: boolean;
}): string {
  const base = args.filename ? `${args.filename}${args.includeTimestamp ? args.stamp : ''}` : args.queryExecutionId;
  if (args.partitioned) return `${args.folder}${base}/`;
  return `${args.folder}${base}.${args.extension ?? formatExtension(args.format)}`;
}

/** The `.metadata` side file of a raw result: beside the file, or beside a partitioned result's folder (`raw/q1/` → `raw/q1.metadata`). */
export function resultMetadataKey(rawKey: string): string {
  return `${rawKey.endsWith('/') ? rawKey.slice(0, -1) : rawKey}.metadata`;
}

/** How many numbered names an output may try before its run fails (`-2` … `-1000`). */
export const MAX_OUTPUT_COPIES = 1000;

/**
 * The `n`-th name of an output whose name another run already took: `n` = 1
 * is `key` itself, then `-2`, `-3`, … go before the extension.
 *
 * @example numberedOutputKey('wildrydes/wildrydes20270104100000.csv', 2) // 'wildrydes/wildrydes20270104100000-2.csv'
 */
export function numberedOutputKey(key: string, n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`copy number must be a whole number from 1, got ${n}`);
  if (n === 1) return key;
  if (key.endsWith('/')) return `${key.slice(0, -1)}-${n}/`; // a partitioned output's folder
  const slash = key.lastIndexOf('/');
  let dot = key.lastIndexOf('.');
  // A compressed file's two-part extension stays whole: `x-2.csv.gz`.
  const inner = key.lastIndexOf('.', dot - 1);
  if (/\.(gz|zst)$/.test(key) && inner > slash + 1) dot = inner;
  const cut = dot > slash + 1 ? dot : key.length;
  return `${key.slice(0, cut)}-${n}${key.slice(cut)}`;
}

/** The `n` for which `numberedOutputKey(base, n)` is `key` (up to {@link MAX_OUTPUT_COPIES}), else undefined. */
export function outputKeyNumber(base: string, key: string): number | undefined {
  if (key === base) return 1;
  for (const pattern of [/-(\d+)(\.[^./]*)?$/, /-(\d+)\.[^./]*\.(gz|zst)$/, /-(\d+)\/$/]) {
    const m = pattern.exec(key);
    const n = m ? Number(m[1]) : NaN;
    if (n >= 2 && n <= MAX_OUTPUT_COPIES && numberedOutputKey(base, n) === key) return n;
  }
  return undefined;
}
