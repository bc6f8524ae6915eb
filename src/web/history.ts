import { api } from './api.js';
import type { HistoryPage, HistoryRecord, TerminalStatus } from './types.js';

export interface HistoryFilter {
  readonly from: number;
  readonly to?: number;
  readonly curationType?: string;
  /** Only these (all when absent). */
  readonly statuses?: readonly TerminalStatus[];
  /** A piece of the curation's or the run's name. */
  readonly search?: string;
}

/** Records in a time range (all curations or one), newest first, following cursors up to `max`. */
export async function loadHistory(query: HistoryFilter, signal: AbortSignal, max = 3000): Promise<HistoryRecord[]> {
  const out: HistoryRecord[] = [];
  let cursor: string | undefined;
  while (out.length < max) {
    const params = new URLSearchParams({ from: String(query.from), limit: String(Math.min(1000, max - out.length)) });
    if (query.to !== undefined) params.set('to', String(query.to));
    if (query.curationType) params.set('curationType', query.curationType);
    if (query.statuses) params.set('status', query.statuses.join(','));
    if (query.search) params.set('q', query.search);
    if (cursor) params.set('cursor', cursor);
    const page = await api<HistoryPage>(`/history?${params}`, { signal });
    out.push(...page.records);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return out;
}

export const RANGES = [
  { id: '1h', label: '1 hour', ms: 3600_000 },
  { id: '24h', label: '24 hours', ms: 24 * 3600_000 },
  { id: '7d', label: '7 days', ms: 7 * 24 * 3600_000 },
  { id: '30d', label: '30 days', ms: 30 * 24 * 3600_000 },
] as const;
export type RangeId = (typeof RANGES)[number]['id'];
