import { useCallback, useLayoutEffect, useRef, useState } from 'preact/hooks';

export interface Polled<T> {
  readonly data: T | undefined;
  readonly error: Error | undefined;
  readonly loading: boolean;
  /** Fetch again now. */
  refresh(): void;
}

/**
 * Loads `load()` now and again every `intervalMs` while the page is visible
 * (paused in background tabs, resumed at once when shown). Keeps the last
 * good data while a refresh is in flight or fails.
 */
export function usePolling<T>(load: (signal: AbortSignal) => Promise<T>, intervalMs: number, deps: unknown[]): Polled<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(true);
  const [nonce, setNonce] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  // Layout effect: the first request leaves with the first render, not a frame later.
  useLayoutEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let controller: AbortController | undefined;
    const tick = async () => {
      clearTimeout(timer);
      if (document.hidden) return;
      controller?.abort();
      controller = new AbortController();
      try {
        const value = await loadRef.current(controller.signal);
        if (stopped) return;
        setData(value);
        setError(undefined);
      } catch (e) {
        if (stopped || (e as Error).name === 'AbortError') return;
        setError(e as Error);
      } finally {
        if (!stopped) {
          setLoading(false);
          if (intervalMs > 0) timer = setTimeout(tick, intervalMs);
        }
      }
    };
    const onVisible = () => {
      if (!document.hidden) void tick();
    };
    document.addEventListener('visibilitychange', onVisible);
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
      controller?.abort();
      document.removeEventListener('visibilitychange', onVisible);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, intervalMs, nonce]);

  const refresh = useCallback(() => setNonce((n) => n + 1), []);
  return { data, error, loading, refresh };
}
