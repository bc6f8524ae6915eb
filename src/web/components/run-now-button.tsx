import { api, seg } from '../api.js';
import { useAction } from '../use-action.js';
import { announce } from '../notices.js';
import { href } from '../router.js';

/**
 * Queues a run of `curationType` now (trigger `manual`) and says where to
 * follow it. Errors (an ApiError with the server's issues) are the caller's.
 */
export async function startRun(curationType: string, parameters: Readonly<Record<string, string>> | undefined, poke?: () => void): Promise<string> {
  const body = parameters && Object.keys(parameters).length ? { trigger: 'manual', parameters } : { trigger: 'manual' };
  const { curationExecutionName } = await api<{ curationExecutionName: string }>(`/curations/${seg(curationType)}/runs`, { method: 'POST', body });
  announce(`Started ${curationType}.`, 'info', { href: href.run(curationExecutionName), label: 'Follow the run' });
  poke?.();
  return curationExecutionName;
}

/** A button that starts a run of `curationType` now, with its parameters' defaults. */
export function RunNowButton({ curationType, compact = false }: { curationType: string; compact?: boolean }) {
  const { busy, run: start } = useAction(`start ${curationType}`, async () => {
    await startRun(curationType, undefined);
  });
  return (
    <button type="button" class={compact ? 'btn btn-small' : 'btn btn-primary'} onClick={start} disabled={busy} aria-label={compact ? `Run ${curationType} now` : undefined}>
      <span aria-hidden="true">▶</span> {busy ? 'Starting…' : 'Run now'}
    </button>
  );
}
