import type { RunView } from '../types.js';

type Status = RunView['status'];

const LABELS: Record<Status, { label: string; icon: string }> = {
  succeeded: { label: 'Succeeded', icon: '✓' },
  failed: { label: 'Failed', icon: '✕' },
  cancelled: { label: 'Cancelled', icon: '⊘' },
  timed_out: { label: 'Timed out', icon: '⏱' },
  skipped: { label: 'Skipped', icon: '↷' },
  queued: { label: 'Queued', icon: '…' },
  running: { label: 'Running', icon: '▶' },
};

/** Status colour: the same as in the timeline chart (CSS variables in styles.css). */
export const statusColorVar = (status: Status) => `--status-${status.replace('_', '-')}`;

export const statusLabel = (status: Status) => LABELS[status].label;

/** A run status as text with a colour and a symbol, never colour alone. */
export function StatusBadge({ status }: { status: Status }) {
  const { label, icon } = LABELS[status];
  return (
    <span class={`badge badge-${status.replace('_', '-')}`} data-status={status}>
      <span aria-hidden="true" class="badge-icon">
        {icon}
      </span>
      {label}
    </span>
  );
}
