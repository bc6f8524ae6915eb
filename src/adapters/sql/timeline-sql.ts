import { DURATION_BAND_THRESHOLDS_MS } from '../../domain/timeline.js';

/**
 * The duration band of `column` as a SQL CASE, the text the SQLite and
 * PostgreSQL timeline indexes were built with (their migrations hold it
 * written out; a test checks the two agree).
 */
export function durationBandSql(column: string): string {
  const whens = DURATION_BAND_THRESHOLDS_MS.map((t, i) => `WHEN ${column} < ${t} THEN ${i}`).join(' ');
  return `CASE ${whens} ELSE ${DURATION_BAND_THRESHOLDS_MS.length} END`;
}

/** A LIKE pattern that finds `text` anywhere, with `\` escaping the wildcards in it. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
