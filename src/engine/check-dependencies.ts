import type { CurationDefinition } from '../domain/curation.js';
import { DependencyCycleError } from '../domain/dependency-cycle-error.js';
import { findCycle, withDefinition } from '../domain/dependency-graph.js';
import type { FieldIssue } from '../domain/errors.js';
import type { StateStore } from '../ports/state-store.js';

/**
 * Checks `definition`'s `dependsOn` against the registered curations before
 * it is put: a cycle (itself included) is refused with a
 * {@link DependencyCycleError} naming it; an upstream that is not registered
 * is a warning only, so related definitions can be put in any order (until
 * it exists, scheduled runs of `definition` are recorded `skipped` naming it).
 *
 * @example
 * for (const w of await checkDependencies(state, definition)) console.warn(`${w.path}: ${w.message}`);
 */
export async function checkDependencies(state: Pick<StateStore, 'listCurations'>, definition: CurationDefinition): Promise<FieldIssue[]> {
  if (!definition.dependsOn) return [];
  const all = (await state.listCurations()).map((s) => s.definition);
  const cycle = findCycle(withDefinition(all, definition), definition.curationType);
  if (cycle) throw new DependencyCycleError(cycle);
  const known = new Set(all.map((d) => d.curationType));
  return definition.dependsOn
    .map((up, i) => ({ up, i }))
    .filter(({ up }) => !known.has(up))
    .map(({ up, i }) => ({
      path: `dependsOn.${i}`,
      message: `upstream '${up}' is not a registered curation yet: scheduled runs are skipped until it is (\`adp curation put\` it)`,
    }));
}
