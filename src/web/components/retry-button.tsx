import { useState } from 'preact/hooks';
import { api, ApiError, seg } from '../api.js';
import { useLive } from '../live.js';
import { announce } from '../notices.js';
import { href } from '../router.js';

/** Starts a new run repeating run `name` (same parameters and scheduled time) and opens its page. */
export function RetryButton({ name }: { name: string }) {
  const [busy, setBusy] = useState(false);
  const live = useLive();
  const retry = async () => {
    setBusy(true);
    try {
      const { curationExecutionName } = await api<{ curationExecutionName: string }>(`/runs/${seg(name)}/retry`, { method: 'POST' });
      announce('Retrying the run.', 'info', { href: href.run(curationExecutionName), label: 'Follow the new run' });
      live.poke();
      location.hash = href.run(curationExecutionName);
    } catch (e) {
      announce(`Could not retry: ${e instanceof ApiError ? e.message : String(e)}`, 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" class="btn btn-primary" onClick={retry} disabled={busy}>
      {busy ? 'Retrying…' : 'Retry'}
    </button>
  );
}
