import { describe, expect, it } from 'vitest';
import { dependencyGraph } from '../domain/dependency-graph.js';
import { layoutGraph } from './graph-layout.js';

describe('layoutGraph', () => {
  it('puts each curation one layer right of its deepest upstream, an unregistered upstream one layer before its first downstream', () => {
    const graph = dependencyGraph([
      { curationType: 'a' },
      { curationType: 'b', dependsOn: ['a'] },
      { curationType: 'c', dependsOn: ['a', 'b', 'ghost'] },
      { curationType: 'd', dependsOn: ['ghost2'] },
    ]);
    const layout = layoutGraph(graph);
    const layer = Object.fromEntries(layout.nodes.map((n) => [n.id, n.layer]));
    // ghost2 sits before d (depth 0), so every layer moves one to the right.
    expect(layer).toEqual({ ghost2: 0, a: 1, d: 1, b: 2, ghost: 2, c: 3 });
    expect(layout.nodes.filter((n) => n.missing).map((n) => n.id).sort()).toEqual(['ghost', 'ghost2']);
    expect(layout.edges).toHaveLength(5);
    for (const e of layout.edges) {
      const from = layout.nodes.find((n) => n.id === e.upstream)!;
      const to = layout.nodes.find((n) => n.id === e.downstream)!;
      expect(from.x).toBeLessThan(to.x);
      expect(e.d.startsWith(`M${from.x + layout.nodeWidth},`)).toBe(true);
    }
    expect(Math.max(...layout.nodes.map((n) => n.x + layout.nodeWidth))).toBeLessThanOrEqual(layout.width);
    expect(Math.max(...layout.nodes.map((n) => n.y + layout.nodeHeight))).toBeLessThanOrEqual(layout.height);
  });

  it('cuts a long name with … and keeps the box width bounded', () => {
    const long = 'x'.repeat(64);
    const layout = layoutGraph(dependencyGraph([{ curationType: long }, { curationType: 'b', dependsOn: [long] }]));
    const node = layout.nodes.find((n) => n.id === long)!;
    expect(layout.nodeWidth).toBeLessThanOrEqual(360);
    expect(node.label.endsWith('…') || node.label === long).toBe(true);
  });
});
