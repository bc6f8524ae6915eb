import type { OutputPreview } from '../types.js';
import { formatBytes } from '../format.js';
import { href } from '../router.js';

/** Where a file of the run is, and whether it is still there. */
export function FileState({ uri, state, replacedBy }: { uri: string; state?: 'present' | 'missing' | 'deleted' | 'replaced'; replacedBy?: string }) {
  return (
    <>
      <code class={`break${state && state !== 'present' ? ' gone' : ''}`}>{uri}</code>
      {state === 'deleted' && <span class="muted small"> deleted after publishing</span>}
      {state === 'missing' && <span class="muted small"> no longer there</span>}
      {state === 'replaced' && (
        <span class="muted small">
          {' '}
          replaced by {replacedBy ? <a href={href.run(replacedBy)}>a later run</a> : 'a later run'}
        </span>
      )}
    </>
  );
}

/** The first rows of the run's output, as a table; or why there are none. */
export function OutputRows({ preview }: { preview: OutputPreview }) {
  const { table, output } = preview;
  if (!table) return <p class="muted">{preview.note ?? 'Nothing to show.'}</p>;
  const partition = output?.partition ? Object.entries(output.partition) : [];
  return (
    <>
      <p class="muted small">
        {table.rows.length === 0 ? 'No rows.' : `The first ${table.rows.length} row${table.rows.length === 1 ? '' : 's'}${table.truncated ? '' : ' (all of them)'}`}
        {output?.file && (
          <>
            {' '}
            of <code class="break">{output.file}</code>
            {output.files !== undefined && `, the first of ${output.files} files`}
          </>
        )}
        {partition.length > 0 && <> (partition {partition.map(([k, v]) => `${k}=${v}`).join(', ')})</>}
        {output?.size !== undefined && ` · ${output.format}${output.compression !== 'none' ? ` (${output.compression})` : ''}, ${formatBytes(output.size)}`}
      </p>
      <div class="table-wrap preview-wrap" tabIndex={0} role="region" aria-label="First rows of the output">
        <table class="data preview">
          <caption class="visually-hidden">First rows of the output</caption>
          <thead>
            <tr>
              {table.columns.map((c, i) => (
                <th key={i} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row, i) => (
              <tr key={i}>
                {row.map((v, j) => (
                  <td key={j} class={v === null ? 'null' : undefined}>
                    {v ?? 'NULL'}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
