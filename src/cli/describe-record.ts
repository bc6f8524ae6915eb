import type { HistoryRecord } from '../domain/history.js';
import { formatBytes, formatCount, formatDuration } from './table.js';

const pairs = (m: Record<string, string> | undefined) =>
  m && Object.keys(m).length > 0 ? Object.entries(m).map(([k, v]) => `${k}=${v}`).join(', ') : '';

/** A history record as a person reads it: status first, then where the output went, then why it failed. */
export function describeRecord(r: HistoryRecord): string {
  const lines = [`${r.curationType}  ${r.status.toUpperCase()}  in ${formatDuration(r.durationMs)}`];
  const row = (label: string, value: string | undefined) => {
    if (value) lines.push(`  ${label.padEnd(10)} ${value}`);
  };
  row('execution', r.curationExecutionName);
  row('trigger', `${r.trigger}${r.scheduledTime ? ` (scheduled ${r.scheduledTime})` : ''}`);
  row('ended', new Date(r.timestamp).toISOString());
  row('output', r.curationOutputLocation);
  if (r.rowCount !== undefined) row('rows', `${formatCount(r.rowCount)} (${formatBytes(r.bytesWritten)})`);
  row('raw', r.queryOutputLocation);
  row('query', r.athenaQueryExecutionId);
  row('commit', r.scriptFileCommitId);
  row('metadata', pairs(r.metadata));
  row('tags', pairs(r.tags));
  row('error', r.error);
  if (r.errorCause) row('cause', `${r.errorCause.errorType}: ${r.errorCause.errorMessage}`);
  return lines.join('\n');
}
