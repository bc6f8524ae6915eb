import type { RunEvent } from '../domain/lineage/run-event.js';
import type { Catalog } from './catalog.js';
import type { ObjectStore } from './object-store.js';
import type { StateStore } from './state-store.js';

/**
 * Sends OpenLineage run events to one backend (Marquez, or any receiver of
 * the HTTP transport). Throws `DeliveryError` (retryable or not) when an
 * event was not accepted; any other error is treated as permanent.
 */
export interface LineageTransport {
  emit(event: RunEvent): Promise<void>;
  close?(): Promise<void>;
}

/**
 * What lineage events are built from at delivery, besides the record: the
 * catalog (the tables a run read, by location), the object store's URIs,
 * the run itself (its SQL and script path) and where the scripts live.
 */
export interface LineageSources {
  readonly catalog: Pick<Catalog, 'getTable'>;
  readonly objects: Pick<ObjectStore, 'uri'>;
  readonly runs: Pick<StateStore, 'getRun'>;
  /** The scripts repository as a URI, and its branch (the source code location facet). */
  readonly scripts?: { readonly repoUrl: string; readonly branch?: string };
}
