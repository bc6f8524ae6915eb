import { RANGES, type RangeId } from '../history.js';

/** The time range of the timeline and runs table, as a group of toggle buttons. */
export function RangePicker({ value, onChange }: { value: RangeId; onChange: (id: RangeId) => void }) {
  return (
    <div class="range-picker" role="group" aria-label="Time range">
      {RANGES.map((r) => (
        <button key={r.id} type="button" class="btn btn-small" aria-pressed={value === r.id} onClick={() => onChange(r.id)} title={`Last ${r.label}`}>
          {r.id}
        </button>
      ))}
    </div>
  );
}
