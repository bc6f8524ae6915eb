import { api, seg } from '../api.js';
import { announce } from '../notices.js';
import { href } from '../router.js';
import { useAction } from '../use-action.js';

/** Starts a new run repeating run `name` (same parameters and scheduled time) and opens its page. */
export function RetryButton({ name }: { name: string }) {
  const { busy, run } = useAction('retry', async () => {
    const { curationExecutionName } = await api<{ curationExecutionName: string }>(`/runs/${seg(name)}/retry`, { method: 'POST' });
    announce('Retrying the run.', 'info', { href: href.run(curationExecutionName), label: 'Follow the new run' });
    location.hash = href.run(curationExecutionName);
  });
  return (
    <button type="button" class="btn btn-primary" onClick={run} disabled={busy}>
      {busy ? 'Retrying…' : 'Retry'}
    </button>
  );
}
