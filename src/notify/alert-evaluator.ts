import { evaluateAlerts, type AlertEvaluatorDeps } from './evaluate-alerts.js';

/** A running evaluator. */
export interface AlertEvaluatorHandle {
  /** Finishes the evaluation in progress, then stops. */
  stop(): Promise<void>;
}

/**
 * Calls {@link evaluateAlerts} every `intervalMs` (default 30 s) until
 * stopped; errors are logged and the next round tries again.
 */
export function startAlertEvaluator(
  deps: AlertEvaluatorDeps,
  options: { readonly intervalMs?: number; readonly log?: (line: string) => void } = {},
): AlertEvaluatorHandle {
  const intervalMs = options.intervalMs ?? 30_000;
  const stopSignal = new AbortController();
  const loop = (async () => {
    while (!stopSignal.signal.aborted) {
      try {
        await evaluateAlerts(deps);
      } catch (error) {
        options.log?.(`alerts: evaluation failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      await deps.clock.sleep(intervalMs, stopSignal.signal).catch(() => undefined);
    }
  })();
  return {
    async stop() {
      stopSignal.abort();
      await loop;
    },
  };
}
