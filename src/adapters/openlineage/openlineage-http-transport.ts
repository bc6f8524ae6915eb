import type { RunEvent } from '../../domain/lineage/run-event.js';
import type { LineageDestination } from '../../domain/notify/destinations.js';
import type { LineageTransport } from '../../ports/lineage.js';
import { postJson, timeoutMs } from '../webhook/post-json.js';

/** Where the OpenLineage HTTP transport POSTs unless `endpoint` says otherwise (Marquez's and the clients' default). */
export const DEFAULT_LINEAGE_ENDPOINT = 'api/v1/lineage';

/**
 * The OpenLineage HTTP transport: each run event POSTed as JSON to
 * `{url}/{endpoint}`, with `Authorization: Bearer <apiKey>` when a key is
 * set. Network errors, timeouts, 408/429 and 5xx are retryable; any other
 * refusal (400 for an event the backend rejects, 401) is not.
 *
 * @example
 * await new OpenLineageHttpTransport({ type: 'openlineage', id: 'marquez', url: 'http://127.0.0.1:5000' }).emit(event);
 */
export class OpenLineageHttpTransport implements LineageTransport {
  readonly #url: string;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;

  constructor(destination: LineageDestination) {
    this.#url = lineageEndpoint(destination.url, destination.endpoint);
    this.#headers = destination.apiKey ? { authorization: `Bearer ${destination.apiKey}` } : {};
    this.#timeoutMs = timeoutMs(destination.timeoutSeconds);
  }

  async emit(event: RunEvent): Promise<void> {
    await postJson(this.#url, JSON.stringify(event), { headers: this.#headers, timeoutMs: this.#timeoutMs, what: `openlineage ${this.#url}` });
  }
}

/** `url` and `endpoint` joined with exactly one `/`. */
export function lineageEndpoint(url: string, endpoint = DEFAULT_LINEAGE_ENDPOINT): string {
  return `${url.replace(/\/+$/, '')}/${endpoint.replace(/^\/+/, '')}`;
}
