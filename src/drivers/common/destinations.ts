import type { SNSClientConfig } from '@aws-sdk/client-sns';
import type { DestinationSpec, LineageDestinationSpec, NotifierDestination, NotifierDestinationSpec, SinkDestinationSpec } from '../../domain/notify/destinations.js';
import { DeliveryError } from '../../domain/notify/delivery-error.js';
import { stableJson } from '../../domain/notify/stable-id.js';
import type { Destinations } from '../../ports/destinations.js';
import type { EventSink } from '../../ports/event-sink.js';
import type { LineageTransport } from '../../ports/lineage.js';
import type { Notifier } from '../../ports/notifier.js';
import { resolveDestination, type SecretSource } from './secrets.js';

type Adapter = Notifier | EventSink | LineageTransport;

/** Options of {@link AdapterDestinations}. */
export interface AdapterDestinationsOptions {
  /** Where `log` notifications and sink warnings go (default: stderr). */
  readonly log?: (line: string) => void;
  /** Added to every SNS client's configuration (credentials, endpoint). */
  readonly sns?: SNSClientConfig;
  /** Where secret references are read (default: the current folder and this process's environment). */
  readonly secrets?: SecretSource;
}

/**
 * Builds notifier and sink adapters from destination specs, reading their
 * secret references on every call, and reusing one adapter per destination
 * while what it resolved to is unchanged. Each adapter module (and its SDK)
 * is imported only when first needed.
 */
export class AdapterDestinations implements Destinations {
  readonly #options: AdapterDestinationsOptions;
  /** By destination id: the resolved spec's key and its adapter (a rotated secret replaces it). */
  readonly #made = new Map<string, { key: string; adapter: Promise<Adapter> }>();

  constructor(options: AdapterDestinationsOptions = {}) {
    this.#options = options;
  }

  async notifier(destination: NotifierDestinationSpec): Promise<Notifier> {
    const resolved = await this.#resolve(destination);
    return this.#once(resolved, () => this.#makeNotifier(resolved)) as Promise<Notifier>;
  }

  async sink(destination: SinkDestinationSpec): Promise<EventSink> {
    const resolved = await this.#resolve(destination);
    return this.#once(resolved, async () => {
      const { OpenSearchSink } = await import('../../adapters/opensearch/opensearch-sink.js');
      return new OpenSearchSink(resolved, { log: this.#options.log });
    }) as Promise<EventSink>;
  }

  async lineage(destination: LineageDestinationSpec): Promise<LineageTransport> {
    const resolved = await this.#resolve(destination);
    return this.#once(resolved, async () => {
      const { OpenLineageHttpTransport } = await import('../../adapters/openlineage/openlineage-http-transport.js');
      return new OpenLineageHttpTransport(resolved);
    }) as Promise<LineageTransport>;
  }

  async close(): Promise<void> {
    const made = [...this.#made.values()];
    this.#made.clear();
    await Promise.all(made.map(({ adapter }) => closeAdapter(adapter)));
  }

  // Retryable: a missing variable or file is the operator's to fix, and the next attempt reads it again.
  async #resolve<D extends DestinationSpec>(destination: D) {
    try {
      return await resolveDestination(destination, this.#options.secrets ?? { home: process.cwd() });
    } catch (e) {
      throw new DeliveryError(`destination '${destination.id}': ${(e as Error).message}`, { retryable: true, cause: e });
    }
  }

  #once(resolved: { readonly id: string }, make: () => Promise<Adapter>): Promise<Adapter> {
    const key = stableJson(resolved);
    const known = this.#made.get(resolved.id);
    if (known?.key === key) return known.adapter;
    if (known) void closeAdapter(known.adapter);
    const adapter = make();
    adapter.catch(() => {
      if (this.#made.get(resolved.id)?.adapter === adapter) this.#made.delete(resolved.id);
    });
    this.#made.set(resolved.id, { key, adapter });
    return adapter;
  }

  async #makeNotifier(d: NotifierDestination): Promise<Notifier> {
    switch (d.type) {
      case 'webhook':
        return new (await import('../../adapters/webhook/webhook-notifier.js')).WebhookNotifier(d);
      case 'slack':
        return new (await import('../../adapters/slack/slack-notifier.js')).SlackNotifier(d);
      case 'email':
        return new (await import('../../adapters/smtp/smtp-notifier.js')).SmtpNotifier(d);
      case 'sns':
        return new (await import('../../adapters/aws/sns-notifier.js')).SnsNotifier(d, this.#options.sns);
      case 'log':
        return new (await import('../../adapters/log/log-notifier.js')).LogNotifier(this.#options.log);
    }
  }
}

async function closeAdapter(adapter: Promise<Adapter>): Promise<void> {
  await (await adapter.catch(() => undefined))?.close?.();
}
