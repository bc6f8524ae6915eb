import type { DependsOnFields } from './depends-on.js';

/** One curation in a {@link DependencyGraph}. */
export interface GraphNode {
  readonly curationType: string;
  /** Its upstreams, as the definition names them. */
  readonly dependsOn: readonly string[];
  /** Upstreams that are not registered curations. */
  readonly missing: readonly string[];
  /** Curations that name this one in their `dependsOn`, sorted. */
  readonly downstream: readonly string[];
  /** 0 for curations without registered upstreams; otherwise one more than the deepest upstream (cycles: the depth where the cycle was cut). */
  readonly depth: number;
}

/** Every curation with its dependency edges; edges run upstream → downstream. */
export interface DependencyGraph {
  /** Sorted by depth, then name. */
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly { readonly upstream: string; readonly downstream: string }[];
  /** A cycle among the stored definitions (first name repeated at the end), if any slipped in. */
  readonly cycle?: readonly string[];
}

/**
 * Builds the dependency graph of a set of definitions.
 *
 * @example
 * dependencyGraph([{ curationType: 'a' }, { curationType: 'b', dependsOn: ['a'] }]).edges
 * // [{ upstream: 'a', downstream: 'b' }]
 */
export function dependencyGraph(definitions: readonly DependsOnFields[]): DependencyGraph {
  const byType = new Map(definitions.map((d) => [d.curationType, d]));
  const downstream = new Map<string, string[]>();
  const edges: { upstream: string; downstream: string }[] = [];
  for (const d of definitions) {
    for (const up of d.dependsOn ?? []) {
      edges.push({ upstream: up, downstream: d.curationType });
      if (byType.has(up)) downstream.set(up, [...(downstream.get(up) ?? []), d.curationType]);
    }
  }
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (type: string): number => {
    const known = depth.get(type);
    if (known !== undefined) return known;
    if (visiting.has(type)) return 0;
    visiting.add(type);
    const ups = (byType.get(type)?.dependsOn ?? []).filter((u) => byType.has(u));
    const value = ups.length === 0 ? 0 : 1 + Math.max(...ups.map(depthOf));
    visiting.delete(type);
    depth.set(type, value);
    return value;
  };
  const nodes = definitions
    .map((d) => ({
      curationType: d.curationType,
      dependsOn: [...(d.dependsOn ?? [])],
      missing: (d.dependsOn ?? []).filter((u) => !byType.has(u)),
      downstream: [...(downstream.get(d.curationType) ?? [])].sort(),
      depth: depthOf(d.curationType),
    }))
    .sort((a, b) => a.depth - b.depth || (a.curationType < b.curationType ? -1 : a.curationType > b.curationType ? 1 : 0));
  const cycle = findCycle(definitions);
  return cycle ? { nodes, edges, cycle } : { nodes, edges };
}

/**
 * A dependency cycle among `definitions`, as the path that closes it
 * (`['a', 'b', 'a']`: a depends on b, b on a), or undefined. A curation that
 * names itself is the cycle `['a', 'a']`. With `through`, only a cycle on the upstream side of
 * that curation (it would wait on it forever).
 */
export function findCycle(definitions: readonly DependsOnFields[], through?: string): string[] | undefined {
  const byType = new Map(definitions.map((d) => [d.curationType, d]));
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (type: string): string[] | undefined => {
    if (onPath.has(type)) return [...path.slice(path.indexOf(type)), type];
    if (done.has(type) || !byType.has(type)) return undefined;
    onPath.add(type);
    path.push(type);
    for (const up of byType.get(type)?.dependsOn ?? []) {
      const found = visit(up);
      if (found) return found;
    }
    path.pop();
    onPath.delete(type);
    done.add(type);
    return undefined;
  };
  const starts = through !== undefined ? [through] : definitions.map((d) => d.curationType).sort();
  for (const start of starts) {
    const found = visit(start);
    if (found) return found;
  }
  return undefined;
}

/** `definitions` with `candidate` put in place of (or added to) the one of its name. */
export function withDefinition<T extends DependsOnFields>(definitions: readonly T[], candidate: T): T[] {
  return [...definitions.filter((d) => d.curationType !== candidate.curationType), candidate];
}

/** Every curation downstream of `root`, transitively (not `root` itself). */
export function downstreamClosure(definitions: readonly DependsOnFields[], root: string): Set<string> {
  const found = new Set<string>();
  const queue = [root];
  for (let type = queue.shift(); type !== undefined; type = queue.shift()) {
    for (const d of definitions) {
      if (d.dependsOn?.includes(type) && !found.has(d.curationType) && d.curationType !== root) {
        found.add(d.curationType);
        queue.push(d.curationType);
      }
    }
  }
  return found;
}
