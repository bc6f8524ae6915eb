import { api, seg } from '../api.js';
import { announce } from '../notices.js';
import { useAction } from '../use-action.js';

/** Pauses or resumes a curation's schedule (its `enabled`); runs started by hand are unaffected. */
export function PauseToggle({ curationType, enabled, compact = false }: { curationType: string; enabled: boolean; compact?: boolean }) {
  const { busy, run } = useAction(`${enabled ? 'pause' : 'resume'} ${curationType}`, async () => {
    await api(`/curations/${seg(curationType)}/enabled`, { method: 'PUT', body: { enabled: !enabled } });
    announce(enabled ? `Paused ${curationType}: it runs only when started by hand.` : `Resumed ${curationType}'s schedule.`);
  });
  return (
    <button
      type="button"
      class={compact ? 'btn btn-small' : 'btn'}
      role="switch"
      aria-checked={enabled}
      aria-label={compact ? `Schedule of ${curationType}` : undefined}
      onClick={run}
      disabled={busy}
    >
      {enabled ? 'Pause schedule' : 'Resume schedule'}
    </button>
  );
}
