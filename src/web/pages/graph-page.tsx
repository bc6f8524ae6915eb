import { useMemo } from 'preact/hooks';
import { api } from '../api.js';
import { layoutGraph, MISSING_MARK, type GraphLayout } from '../graph-layout.js';
import { useLive } from '../live.js';
import { usePolling } from '../poll.js';
import { href } from '../router.js';
import type { DependencyGraph } from '../types.js';

/** The graph drawn in layers; each curation's box links to its page, unregistered upstreams are dashed boxes. */
function Drawing({ layout }: { layout: GraphLayout }) {
  const { nodeWidth: w, nodeHeight: h } = layout;
  return (
    <div class="graph-scroll">
      <svg class="graph" width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`} role="group" aria-label="Dependency graph, upstreams left of the curations that wait for them">
        <defs>
          <marker id="graph-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" class="graph-arrow" />
          </marker>
        </defs>
        {layout.edges.map((e) => (
          <path key={`${e.upstream}>${e.downstream}`} d={e.d} class={`graph-edge${e.missing ? ' graph-edge-missing' : ''}`} marker-end="url(#graph-arrow)" aria-hidden="true" data-edge={`${e.upstream}>${e.downstream}`} />
        ))}
        {layout.nodes.map((n) => {
          const box = (
            <>
              <rect x={n.x} y={n.y} width={w} height={h} rx={6} />
              <text x={n.x + 10} y={n.y + h / 2} dominant-baseline="central">
                {n.label}
                {n.missing && <tspan class="graph-missing-mark">{MISSING_MARK}</tspan>}
              </text>
            </>
          );
          return n.missing ? (
            <g key={n.id} class="graph-node graph-node-missing" role="img" aria-label={`${n.id} (not registered)`} data-node={n.id}>
              <title>{`${n.id}: named in dependsOn, but no curation of that name is registered`}</title>
              {box}
            </g>
          ) : (
            <a key={n.id} href={href.curation(n.id)} class="graph-node" aria-label={n.id} data-node={n.id}>
              <title>{n.id}</title>
              {box}
            </a>
          );
        })}
      </svg>
    </div>
  );
}

const upstreamList = (names: readonly string[], missing: readonly string[]) =>
  names.length === 0 ? (
    <span class="muted">—</span>
  ) : (
    [...names].sort().map((u) =>
      missing.includes(u) ? (
        <span key={u} class="tag tag-missing">
          {u} <span class="muted">(not registered)</span>
        </span>
      ) : (
        <a key={u} href={href.curation(u)} class="tag">
          {u}
        </a>
      ),
    )
  );

/** The dependency graph of every curation (`dependsOn`): a drawing and the same facts as a table. */
export function GraphPage() {
  const live = useLive();
  const graph = usePolling((signal) => api<DependencyGraph>('/curations/graph', { signal }), 30_000, [live.version]);
  const layout = useMemo(() => (graph.data ? layoutGraph(graph.data) : undefined), [graph.data]);
  const g = graph.data;
  const hasEdges = Boolean(g && g.edges.length > 0);
  return (
    <main id="main">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href={href.overview()}>Curations</a> <span aria-hidden="true">/</span> <span aria-current="page">Dependencies</span>
      </nav>
      <h1 tabIndex={-1}>Dependencies</h1>
      <p class="muted">
        A curation with <code>dependsOn</code> starts a scheduled run once each upstream has succeeded for the same scheduled time. Upstreams are drawn left
        of the curations that wait for them; a dashed box is a name no registered curation has (runs waiting for it are skipped after their wait limit).
      </p>
      {graph.error && !g ? (
        <p class="notice notice-error">Could not load the graph: {graph.error.message}</p>
      ) : !g || !layout ? (
        <p class="muted">Loading…</p>
      ) : g.nodes.length === 0 ? (
        <p class="empty">No curations yet.</p>
      ) : (
        <>
          {hasEdges ? <Drawing layout={layout} /> : <p class="empty">No curation depends on another (none has <code>dependsOn</code>).</p>}
          {g.cycle && <p class="notice notice-error">Cycle: {g.cycle.join(' → ')}. These never run; remove one name from a dependsOn.</p>}
          <div class="table-wrap">
            <table class="data" data-testid="dependencies">
              <caption class="visually-hidden">Each curation, what it waits for and what waits for it</caption>
              <thead>
                <tr>
                  <th scope="col">Curation</th>
                  <th scope="col">Waits for</th>
                  <th scope="col">Feeds</th>
                </tr>
              </thead>
              <tbody>
                {g.nodes.map((n) => (
                  <tr key={n.curationType}>
                    <th scope="row">
                      <a href={href.curation(n.curationType)}>{n.curationType}</a>
                    </th>
                    <td>{upstreamList(n.dependsOn, n.missing)}</td>
                    <td>{upstreamList(n.downstream, [])}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </main>
  );
}
