import type { RunView } from '../types.js';

type Status = RunView['status'];

// Icons are SVG paths on a 16×16 grid: glyphs such as ⏱ are missing from the fonts of some systems (an empty box in Debian's Chromium).
const LABELS: Record<Status, { label: string; path: string }> = {
  succeeded: { label: 'Succeeded', path: 'M3 8.5l3 3 7-7' },
  failed: { label: 'Failed', path: 'M4 4l8 8M12 4l-8 8' },
  cancelled: { label: 'Cancelled', path: 'M8 2a6 6 0 1 0 0 12A6 6 0 0 0 8 2zM3.8 3.8l8.4 8.4' },
  timed_out: { label: 'Timed out', path: 'M8 3.5a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11zM8 6v3.2l2 1.3M6.5 1.5h3' },
  skipped: { label: 'Skipped', path: 'M3 11a5 5 0 0 1 9.5-2.2M13 4v4.5H8.5' },
  queued: { label: 'Queued', path: 'M3.5 8h.01M8 8h.01M12.5 8h.01' },
  running: { label: 'Running', path: 'M5 3.5v9l7-4.5z' },
};

/** Status colour: the same as in the timeline chart (CSS variables in styles.css). */
export const statusColorVar = (status: Status) => `--status-${status.replace('_', '-')}`;

export const statusLabel = (status: Status) => LABELS[status].label;

/** A run status as text with a colour and an icon, never colour alone. */
export function StatusBadge({ status }: { status: Status }) {
  const { label, path } = LABELS[status];
  return (
    <span class={`badge badge-${status.replace('_', '-')}`} data-status={status}>
      <svg aria-hidden="true" class="badge-icon" viewBox="0 0 16 16" width="12" height="12" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
        <path d={path} />
      </svg>
      {label}
    </span>
  );
}
