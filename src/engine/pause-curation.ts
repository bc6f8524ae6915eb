import { NotFoundError } from '../domain/errors.js';
import type { StateStore, StoredCuration } from '../ports/state-store.js';

/**
 * Pauses (`enabled: false`) or resumes a curation's schedule by storing its
 * definition with `enabled` set; schedulers pick the change up as any other
 * put. Runs started by hand are unaffected. Unchanged: nothing is written.
 */
export async function setCurationEnabled(state: Pick<StateStore, 'getCuration' | 'putCuration'>, curationType: string, enabled: boolean): Promise<StoredCuration> {
  const stored = await state.getCuration(curationType);
  if (!stored) throw new NotFoundError('curation', curationType, 'see `adp curation list`');
  if ((stored.definition.enabled ?? true) === enabled) return stored;
  const { enabled: _was, ...rest } = stored.definition;
  // Resuming drops the field rather than writing `true`: the definition reads as it did before the pause.
  return state.putCuration(enabled ? rest : { ...rest, enabled: false });
}
