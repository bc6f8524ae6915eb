import { AdpError } from './errors.js';

/**
 * A definition's `dependsOn` would close a cycle: runs that wait for each
 * other would never start. Refused at put (CLI exit 2, HTTP 400).
 *
 * @example
 * new DependencyCycleError(['a', 'b', 'a']).message
 * // "dependsOn: a dependency cycle a → b → a (each waits for the next): remove one of these names from dependsOn"
 */
export class DependencyCycleError extends AdpError {
  readonly code = 'DEPENDENCY_CYCLE';
  override readonly isUserError = true;
  /** The definition field at fault. */
  readonly field = 'dependsOn';

  constructor(readonly cycle: readonly string[]) {
    super(`dependsOn: a dependency cycle ${cycle.join(' → ')} (each waits for the next): remove one of these names from dependsOn`);
  }
}
