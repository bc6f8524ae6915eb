import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.js';
import { usePolling } from './poll.js';
import type { RunView } from './types.js';

export interface Live {
  /** Runs queued or running now. */
  readonly active: readonly RunView[];
  /** Bumped whenever a run starts or ends: views that show runs reload when it changes. */
  readonly version: number;
  /** When the server last answered. */
  readonly updatedAt: number | undefined;
  readonly offline: boolean;
  /** Poll again at once (after starting or cancelling a run). */
  poke(): void;
}

const LiveContext = createContext<Live>({ active: [], version: 0, updatedAt: undefined, offline: false, poke: () => undefined });

export const useLive = () => useContext(LiveContext);

/**
 * Follows the active runs: every second while something runs, every four
 * seconds otherwise. When the set of active runs changes, `version` moves on
 * and every view refreshes, so a run's end shows everywhere at once.
 */
export function LiveProvider({ children }: { children: preact.ComponentChildren }) {
  const [fast, setFast] = useState(false);
  const polled = usePolling((signal) => api<{ runs: RunView[] }>('/runs', { signal }), fast ? 1000 : 4000, []);
  const [version, setVersion] = useState(0);
  const [updatedAt, setUpdatedAt] = useState<number>();
  const lastKey = useRef<string>();
  const runs = polled.data?.runs;

  useEffect(() => {
    if (!runs) return;
    setUpdatedAt(Date.now());
    const key = runs.map((r) => `${r.curationExecutionName}:${r.status}:${r.step}`).join('|');
    if (lastKey.current !== undefined && key !== lastKey.current) setVersion((v) => v + 1);
    lastKey.current = key;
    setFast(runs.length > 0);
  }, [runs]);

  const value: Live = {
    active: runs ?? [],
    version,
    updatedAt,
    offline: polled.error !== undefined,
    poke: () => {
      setVersion((v) => v + 1);
      polled.refresh();
    },
  };
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}
