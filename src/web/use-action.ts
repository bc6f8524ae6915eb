import { useState } from 'preact/hooks';
import { ApiError } from './api.js';
import { useLive } from './live.js';
import { announce } from './notices.js';

/**
 * A button's action: `busy` while it runs; afterwards the live view is
 * refreshed, and a failure is announced as "Could not <what>: <why>".
 */
export function useAction(what: string, action: () => Promise<void>): { busy: boolean; run: () => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const live = useLive();
  const run = async () => {
    setBusy(true);
    try {
      await action();
      live.poke();
    } catch (e) {
      announce(`Could not ${what}: ${e instanceof ApiError ? e.message : String(e)}`, 'error');
    } finally {
      setBusy(false);
    }
  };
  return { busy, run };
}
