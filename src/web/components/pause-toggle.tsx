import { useState } from 'preact/hooks';
import { api, ApiError, seg } from '../api.js';
import { useLive } from '../live.js';
import { announce } from '../notices.js';

/** Pauses or resumes a curation's schedule (its `enabled`); runs started by hand are unaffected. */
export function PauseToggle({ curationType, enabled, compact = false }: { curationType: string; enabled: boolean; compact?: boolean }) {
  const [busy, setBusy] = useState(false);
  const live = useLive();
  const toggle = async () => {
    setBusy(true);
    try {
      await api(`/curations/${seg(curationType)}/enabled`, { method: 'PUT', body: { enabled: !enabled } });
      announce(enabled ? `Paused ${curationType}: it runs only when started by hand.` : `Resumed ${curationType}'s schedule.`);
      live.poke();
    } catch (e) {
      announce(`Could not ${enabled ? 'pause' : 'resume'} ${curationType}: ${e instanceof ApiError ? e.message : String(e)}`, 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <button
      type="button"
      class={compact ? 'btn btn-small' : 'btn'}
      role="switch"
      aria-checked={enabled}
      aria-label={compact ? `Schedule of ${curationType}` : undefined}
      onClick={toggle}
      disabled={busy}
    >
      {enabled ? 'Pause schedule' : 'Resume schedule'}
    </button>
  );
}
