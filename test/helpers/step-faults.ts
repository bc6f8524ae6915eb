import { QueryFailedError, QueryTimeoutError, SandboxError } from '../../src/domain/errors.js';
import type { StepName } from '../../src/domain/run.js';
import type { EngineDeps } from '../../src/engine/engine-deps.js';
import { override } from './override.js';

/** Steps a fault can be put behind, in order. */
export const FAULTY_STEPS = ['retrieve', 'validate', 'startQuery', 'awaitQuery', 'publishOutput'] as const;

/**
 * Real deps with the port behind `step` failing for good (fault injection):
 * the run fails there. `timeout`: the query times out instead (awaitQuery).
 */
export function failingAt<D extends EngineDeps>(deps: D, step: (typeof FAULTY_STEPS)[number] | 'timeout'): D {
  const boom = (m: string) => new SandboxError(`${m} (injected)`);
  switch (step) {
    case 'retrieve':
      return { ...deps, scripts: override(deps.scripts, { readAtHead: async () => Promise.reject(boom('no script')) }) };
    case 'validate':
      return { ...deps, catalog: override(deps.catalog, { hasDatabase: async () => Promise.reject(boom('no catalog')) }) };
    case 'startQuery':
      return { ...deps, queries: override(deps.queries, { start: async () => Promise.reject(new QueryFailedError('syntax error (injected)')) }) };
    case 'awaitQuery':
      return { ...deps, queries: override(deps.queries, { status: async () => ({ state: 'FAILED', error: new QueryFailedError('division by zero (injected)') }) }) };
    case 'timeout':
      return { ...deps, queries: override(deps.queries, { status: async () => ({ state: 'FAILED', error: new QueryTimeoutError('query ran past its timeout (injected)') }) }) };
    case 'publishOutput':
      return { ...deps, objects: override(deps.objects, { publish: async () => Promise.reject(boom('bucket gone')) }) };
  }
}
