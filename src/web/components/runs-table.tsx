import { formatCount, formatDuration, formatShort, formatRelative } from '../format.js';
import { href } from '../router.js';
import type { HistoryRecord } from '../types.js';
import { StatusBadge } from './status-badge.js';

/** Finished runs, newest first: the accessible twin of the timeline chart. */
export function RunsTable({
  records,
  showCuration = true,
  caption,
  filtered = false,
}: {
  records: readonly HistoryRecord[];
  showCuration?: boolean;
  caption: string;
  /** The timeline's filters narrowed these records: say so, and when none match. */
  filtered?: boolean;
}) {
  if (records.length === 0) return <p class="empty">{filtered ? 'No runs match the filters above.' : 'No runs in this range yet.'}</p>;
  return (
    <div class="table-wrap">
      <table class="data">
        <caption class="visually-hidden">{filtered ? `${caption}, matching the filters above` : caption}</caption>
        <thead>
          <tr>
            <th scope="col">Status</th>
            {showCuration && <th scope="col">Curation</th>}
            <th scope="col">Ended</th>
            <th scope="col" class="num">
              Duration
            </th>
            <th scope="col" class="num">
              Rows
            </th>
            <th scope="col">Trigger</th>
            <th scope="col">Scheduled for</th>
            <th scope="col">Run</th>
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <tr key={r.curationExecutionName}>
              <td>
                <StatusBadge status={r.status} />
              </td>
              {showCuration && (
                <td>
                  <a href={href.curation(r.curationType)}>{r.curationType}</a>
                </td>
              )}
              <td>
                <time dateTime={new Date(r.timestamp).toISOString()} title={new Date(r.timestamp).toISOString()}>
                  {formatShort(r.timestamp)}
                </time>{' '}
                <span class="muted">{formatRelative(r.timestamp)}</span>
              </td>
              <td class="num">{formatDuration(r.durationMs)}</td>
              <td class="num">{formatCount(r.rowCount)}</td>
              <td>{r.trigger}</td>
              <td>{r.scheduledTime ? <time dateTime={r.scheduledTime}>{formatShort(r.scheduledTime)}</time> : <span class="muted">—</span>}</td>
              <td>
                <a class="mono" href={href.run(r.curationExecutionName)} title={r.error ? `${r.error}` : undefined}>
                  {r.curationExecutionName.slice(0, 20)}
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
