import { useEffect, useMemo, useState } from 'preact/hooks';
import { STATUSES } from './timeline-data.js';
import type { TerminalStatus } from './types.js';

/** What narrows a page's runs: the timeline's status toggles, name search and curation choice, and the table under it. */
export interface RunFilters {
  /** Statuses shown; all when it holds every status. */
  readonly statuses: ReadonlySet<TerminalStatus>;
  /** The search box as typed. */
  readonly search: string;
  /** The search the runs are loaded with: `search` once typing pauses, trimmed. */
  readonly query: string;
  /** The one curation chosen on the overview ('' for all). */
  readonly curationType: string;
  /** Changes whenever what is loaded should change. */
  readonly key: string;
  toggleStatus(status: TerminalStatus): void;
  setSearch(text: string): void;
  setCurationType(curationType: string): void;
}

const TYPING_PAUSE_MS = 250;

export function useRunFilters(): RunFilters {
  const [statuses, setStatuses] = useState<ReadonlySet<TerminalStatus>>(() => new Set(STATUSES));
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [curationType, setCurationType] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setQuery(search.trim()), TYPING_PAUSE_MS);
    return () => clearTimeout(t);
  }, [search]);
  const statusKey = [...statuses].sort().join(',');
  return useMemo(
    () => ({
      statuses,
      search,
      query,
      curationType,
      key: `${statusKey}|${query}|${curationType}`,
      toggleStatus: (s: TerminalStatus) => {
        const next = new Set(statuses);
        if (next.has(s)) next.delete(s);
        else next.add(s);
        setStatuses(next);
      },
      setSearch,
      setCurationType,
    }),
    [statuses, search, query, curationType],
  );
}

/** Whether any filter narrows the runs (the table then says so). */
export function isFiltered(f: RunFilters): boolean {
  return f.statuses.size < STATUSES.length || f.query !== '' || f.curationType !== '';
}

/** What the history API is asked for under these filters (a curation's own page passes its curation instead). */
export function historyFilterOf(f: RunFilters): { curationType?: string; statuses?: TerminalStatus[]; search?: string } {
  return {
    ...(f.curationType ? { curationType: f.curationType } : {}),
    ...(f.statuses.size < STATUSES.length ? { statuses: STATUSES.filter((s) => f.statuses.has(s)) } : {}),
    ...(f.query ? { search: f.query } : {}),
  };
}
