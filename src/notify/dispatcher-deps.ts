import type { OutboxSettings } from '../domain/notify/outbox-settings.js';
import type { Clock } from '../ports/clock.js';
import type { DestinationDirectory, Destinations } from '../ports/destinations.js';
import type { LineageSources } from '../ports/lineage.js';
import type { OutboxStore } from '../ports/outbox-store.js';

/** What the dispatcher works with, as ports. */
export interface DispatcherDeps {
  readonly outbox: OutboxStore;
  readonly destinations: Destinations;
  /** Each entry's destination, looked up by its id at delivery (entries keep no settings). */
  readonly directory: DestinationDirectory;
  readonly clock: Clock;
  /** Where OpenLineage events find the tables read and the SQL; without it they carry neither. */
  readonly lineage?: LineageSources;
  readonly settings: OutboxSettings;
  /** This dispatcher's name in claims (host:pid and a random part). */
  readonly owner: string;
  /** Jitter source; tests pass a fixed one. */
  readonly random?: () => number;
  /** One line per problem worth a log (a destination failing, an entry dead-lettered). */
  readonly log?: (line: string) => void;
}

/** What one dispatch round did. */
export interface DispatchReport {
  readonly claimed: number;
  readonly delivered: number;
  readonly retried: number;
  readonly dead: number;
  readonly released: number;
}
