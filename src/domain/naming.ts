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

/** The EventBridge rule / schedule name for a curation. */
export function scheduleRuleName(curationType: string): string {
  return `${curationType}-scheduled-curation`;
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
}): string {
  const base = args.filename ? `${args.filename}${args.includeTimestamp ? args.stamp : ''}` : args.queryExecutionId;
  return `${args.folder}${base}.${formatExtension(args.format)}`;
}
