import { Client, type ClientOptions } from '@opensearch-project/opensearch';
import type { SinkDestination } from '../../domain/notify/destinations.js';
import { isRetryableStatus } from '../../domain/notify/delivery-error.js';
import type { EventSink, SinkItem, SinkItemResult } from '../../ports/event-sink.js';
import { historyDocument, historyDocumentId, historyMappings } from './history-document.js';
import { openSearchDeliveryError, statusOf } from './opensearch-errors.js';

interface BulkItem {
  status: number;
  error?: { type?: string; reason?: string };
}

/**
 * The `opensearch` history sink (OpenSearch, or Elasticsearch 7/8 through its
 * compatible REST API): `_bulk` index actions into the configured index
 * (lowercased) with the sample's document ids, and an index template with
 * the history mappings put before the first write. Each item is judged on
 * its own status: 429/5xx items are retried, mapping errors are not.
 */
export class OpenSearchSink implements EventSink {
  readonly #client: Client;
  readonly #index: string;
  readonly #log: (line: string) => void;
  #template?: Promise<void>;

  constructor(destination: SinkDestination, options: { readonly log?: (line: string) => void; readonly client?: Partial<ClientOptions> } = {}) {
    const auth = destination.auth;
    this.#index = destination.index.toLowerCase();
    this.#log = options.log ?? (() => undefined);
    this.#client = new Client({
      node: destination.node,
      maxRetries: 0,
      requestTimeout: Math.round((destination.timeoutSeconds ?? 30) * 1000),
      ...(auth && 'username' in auth ? { auth: { username: auth.username, password: auth.password } } : {}),
      ...(auth && 'apiKey' in auth ? { headers: { authorization: `ApiKey ${auth.apiKey}` } } : {}),
      ...options.client,
    });
  }

  /** The index documents go to. */
  get index(): string {
    return this.#index;
  }

  async write(items: readonly SinkItem[]): Promise<SinkItemResult[]> {
    if (items.length === 0) return [];
    await (this.#template ??= this.#putTemplate().catch((error: unknown) => {
      this.#template = undefined;
      throw error;
    }));
    const body = items.flatMap((item) => [
      { index: { _index: this.#index, _id: historyDocumentId(item.record) } },
      historyDocument(item.record, item.sequence),
    ]);
    let response;
    try {
      response = await this.#client.bulk({ body });
    } catch (error) {
      throw openSearchDeliveryError(`OpenSearch _bulk to ${this.#index}`, error);
    }
    const results = ((response.body as { items?: Record<string, BulkItem>[] }).items ?? []).map((entry) => Object.values(entry)[0]);
    return items.map((_, i) => itemResult(results[i]));
  }

  async close(): Promise<void> {
    await this.#client.close();
  }

  // A composable template (OpenSearch, Elasticsearch 7.8+), or a legacy one where that API does not exist.
  async #putTemplate(): Promise<void> {
    const name = `adp-${this.#index}`;
    const mappings = historyMappings();
    try {
      await this.#client.indices.putIndexTemplate({ name, body: { index_patterns: [this.#index], priority: 200, template: { mappings } } });
    } catch (error) {
      const status = statusOf(error);
      if (status === 404 || status === 405) {
        await this.#client.indices.putTemplate({ name, body: { index_patterns: [this.#index], order: 200, mappings } }).catch((e: unknown) => this.#templateFailed(e));
      } else this.#templateFailed(error);
    }
  }

  // Without the template the documents still index (dynamic mappings); only a transient failure waits for a retry.
  #templateFailed(error: unknown): void {
    const failure = openSearchDeliveryError(`OpenSearch index template for ${this.#index}`, error);
    if (failure.retryable) throw failure;
    this.#log(`${failure.message}; indexing without it`);
  }
}

function itemResult(item: BulkItem | undefined): SinkItemResult {
  if (!item) return { ok: false, retryable: true, error: 'no result for this item in the _bulk response' };
  if (item.status >= 200 && item.status < 300) return { ok: true };
  const reason = item.error ? `${item.error.type ?? 'error'}: ${item.error.reason ?? ''}` : `HTTP ${item.status}`;
  return { ok: false, retryable: isRetryableStatus(item.status), error: `HTTP ${item.status} ${reason}`.slice(0, 500) };
}
