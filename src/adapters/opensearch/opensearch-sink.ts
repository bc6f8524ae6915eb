import { Client, type ClientOptions } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws';
import type { SinkDestination } from '../../domain/notify/destinations.js';
import { isRetryableStatus } from '../../domain/notify/delivery-error.js';
import type { EventSink, SinkItem, SinkItemResult } from '../../ports/event-sink.js';
import { type AwsCredentialsProvider, defaultAwsCredentials } from './aws-credentials.js';
import { historyDocument, historyDocumentId, historyMappings } from './history-document.js';
import { openSearchDeliveryError, statusOf } from './opensearch-errors.js';

interface BulkItem {
  status: number;
  error?: { type?: string; reason?: string };
}

type SigV4Auth = Extract<NonNullable<SinkDestination['auth']>, { type: 'sigv4' }>;

export interface OpenSearchSinkOptions {
  /** Where failures that do not stop indexing (a refused index template) are reported. */
  readonly log?: (line: string) => void;
  /** Added to the client's options last. */
  readonly client?: Partial<ClientOptions>;
  /** For `sigv4` auth: where credentials come from; default: the AWS SDK's default chain. */
  readonly credentials?: AwsCredentialsProvider;
}

/**
 * The `opensearch` history sink (OpenSearch, or Elasticsearch 7/8 through its
 * compatible REST API): `_bulk` index actions into the configured index
 * (lowercased) with the sample's document ids, and an index template with
 * the history mappings put before the first write. Each item is judged on
 * its own status: 429/5xx items are retried, mapping errors are not.
 *
 * Auth: Basic (`username`/`password`), `apiKey`, or `{type: 'sigv4', region,
 * service}` for AWS-managed domains (`es`) and Serverless collections
 * (`aoss`): every request is signed by the client's own AWS signer with
 * credentials from the AWS SDK's default chain (loaded on first request).
 */
export class OpenSearchSink implements EventSink {
  readonly #client: Client;
  readonly #index: string;
  readonly #log: (line: string) => void;
  #template?: Promise<void>;

  constructor(destination: SinkDestination, options: OpenSearchSinkOptions = {}) {
    const auth = destination.auth;
    this.#index = destination.index.toLowerCase();
    this.#log = options.log ?? (() => undefined);
    this.#client = new Client({
      ...(auth && 'type' in auth ? signedTransport(auth, options.credentials) : {}),
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

/** Connection and Transport classes that SigV4-sign every request (and refresh expiring credentials). */
function signedTransport(auth: SigV4Auth, credentials?: AwsCredentialsProvider): Pick<ClientOptions, 'Connection' | 'Transport'> {
  const service = auth.service ?? 'es';
  const signer = AwsSigv4Signer({
    region: auth.region,
    service,
    getCredentials: credentials ?? defaultAwsCredentials(`the OpenSearch sink (SigV4, ${service} in ${auth.region})`),
  });
  return { Connection: signer.Connection, Transport: signer.Transport };
}

function itemResult(item: BulkItem | undefined): SinkItemResult {
  if (!item) return { ok: false, retryable: true, error: 'no result for this item in the _bulk response' };
  if (item.status >= 200 && item.status < 300) return { ok: true };
  const reason = item.error ? `${item.error.type ?? 'error'}: ${item.error.reason ?? ''}` : `HTTP ${item.status}`;
  return { ok: false, retryable: isRetryableStatus(item.status), error: `HTTP ${item.status} ${reason}`.slice(0, 500) };
}
