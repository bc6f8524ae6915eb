import type { ComponentChildren } from 'preact';

/** A definition list of labelled values; empty values are left out. */
export function KeyValues({ items }: { items: [string, ComponentChildren][] }) {
  const shown = items.filter(([, v]) => v !== undefined && v !== null && v !== '');
  return (
    <dl class="kv">
      {shown.map(([k, v]) => (
        <div key={k} class="kv-row">
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A string map (metadata, tags, parameters) as a small table, or a dash. */
export function MapTable({ caption, map }: { caption: string; map: Record<string, string> | undefined }) {
  const entries = Object.entries(map ?? {});
  if (entries.length === 0) return <p class="muted">No {caption.toLowerCase()}.</p>;
  return (
    <table class="map-table">
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Key</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">
              <code>{k}</code>
            </th>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
