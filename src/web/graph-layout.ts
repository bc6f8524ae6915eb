import type { DependencyGraph } from './types.js';

/** One box of the drawing: a curation, or an upstream no curation of that name exists for. */
export interface PlacedNode {
  readonly id: string;
  readonly missing: boolean;
  readonly layer: number;
  readonly x: number;
  readonly y: number;
  /** The name as drawn: cut with … when longer than the box. */
  readonly label: string;
}

export interface PlacedEdge {
  readonly upstream: string;
  readonly downstream: string;
  /** An SVG path from the upstream's right side to the downstream's left side. */
  readonly d: string;
  readonly missing: boolean;
}

export interface GraphLayout {
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
  readonly width: number;
  readonly height: number;
  readonly nodeWidth: number;
  readonly nodeHeight: number;
}

const NODE_HEIGHT = 36;
const GAP_X = 72;
const GAP_Y = 14;
const PAD = 8;
const CHAR_WIDTH = 7.4;
/** Drawn after an unregistered upstream's name. */
export const MISSING_MARK = ' (not registered)';

/**
 * Places the graph in layers left to right: a curation's layer is its depth
 * (upstreams to its left), an unregistered upstream sits one layer before the
 * first curation that names it. Within a layer, boxes are ordered by the mean
 * row of their upstreams (fewer crossings), then by name.
 *
 * @example layoutGraph({ nodes: [a (depth 0), b (depth 1, after a)], edges: [a → b] }).nodes.map((n) => n.layer) // [0, 1]
 */
export function layoutGraph(graph: DependencyGraph): GraphLayout {
  const layerOf = new Map<string, number>(graph.nodes.map((n) => [n.curationType, n.depth]));
  const missing = new Set<string>();
  for (const n of graph.nodes) {
    for (const up of n.missing) {
      missing.add(up);
      layerOf.set(up, Math.min(layerOf.get(up) ?? Infinity, n.depth - 1));
    }
  }
  const shift = Math.min(0, ...layerOf.values());
  const ids = [...layerOf.keys()];
  const layers: string[][] = [];
  for (const id of ids) (layers[layerOf.get(id)! - shift] ??= []).push(id);
  const upstreams = new Map<string, string[]>(graph.nodes.map((n) => [n.curationType, [...n.dependsOn]]));
  const row = new Map<string, number>();
  for (const layer of layers) {
    if (!layer) continue;
    const key = (id: string) => {
      const rows = (upstreams.get(id) ?? []).map((u) => row.get(u)).filter((r): r is number => r !== undefined);
      return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : -1;
    };
    layer.sort((a, b) => key(a) - key(b) || (a < b ? -1 : a > b ? 1 : 0));
    layer.forEach((id, i) => row.set(id, i));
  }
  const longest = Math.max(8, ...ids.map((id) => id.length + (missing.has(id) ? MISSING_MARK.length : 0)));
  const nodeWidth = Math.round(Math.min(360, Math.max(140, longest * CHAR_WIDTH + 24)));
  const fits = Math.floor((nodeWidth - 20) / CHAR_WIDTH);
  const place = (id: string) => ({ x: PAD + (layerOf.get(id)! - shift) * (nodeWidth + GAP_X), y: PAD + row.get(id)! * (NODE_HEIGHT + GAP_Y) });
  const nodes: PlacedNode[] = ids.map((id) => {
    const room = fits - (missing.has(id) ? MISSING_MARK.length : 0);
    return { id, missing: missing.has(id), layer: layerOf.get(id)! - shift, ...place(id), label: id.length > room ? `${id.slice(0, room - 1)}…` : id };
  });
  const edges: PlacedEdge[] = graph.edges.map((e) => {
    const a = place(e.upstream);
    const b = place(e.downstream);
    const x1 = a.x + nodeWidth;
    const y1 = a.y + NODE_HEIGHT / 2;
    const x2 = b.x;
    const y2 = b.y + NODE_HEIGHT / 2;
    const bend = GAP_X / 2;
    return { upstream: e.upstream, downstream: e.downstream, missing: missing.has(e.upstream), d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}` };
  });
  const tallest = Math.max(1, ...layers.map((l) => l?.length ?? 0));
  return {
    nodes,
    edges,
    nodeWidth,
    nodeHeight: NODE_HEIGHT,
    width: PAD * 2 + layers.length * nodeWidth + Math.max(0, layers.length - 1) * GAP_X,
    height: PAD * 2 + tallest * NODE_HEIGHT + (tallest - 1) * GAP_Y,
  };
}
