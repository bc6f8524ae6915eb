import type { DependencyGraph } from '../domain/dependency-graph.js';

/**
 * The dependency graph as text: one line per curation, upstreams first
 * (by depth), each with what it waits for; unregistered upstreams marked.
 *
 * @example
 * graphText(dependencyGraph(defs))
 * // orders
 * // customers
 * // report <- customers, orders
 */
export function graphText(graph: DependencyGraph): string {
  if (graph.nodes.length === 0) return 'no curations yet';
  const width = Math.max(...graph.nodes.map((n) => n.depth * 2 + n.curationType.length));
  const lines = graph.nodes.map((n) => {
    const name = `${'  '.repeat(n.depth)}${n.curationType}`;
    if (n.dependsOn.length === 0) return name;
    const ups = [...n.dependsOn].sort().map((u) => (n.missing.includes(u) ? `${u} (not registered)` : u));
    return `${name.padEnd(width)}  <- ${ups.join(', ')}`;
  });
  if (graph.cycle) lines.push(`cycle: ${graph.cycle.join(' -> ')} (these never run; remove one name from dependsOn)`);
  return lines.join('\n');
}
