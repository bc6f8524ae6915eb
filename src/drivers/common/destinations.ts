import type { SNSClientConfig } from '@aws-sdk/client-sns';
import type { NotifierDestination, SinkDestination } from '../../domain/notify/destinations.js';
import { stableJson } from '../../domain/notify/stable-id.js';
import type { Destinations } from '../../ports/destinations.js';
import type { EventSink } from '../../ports/event-sink.js';
import type { Notifier } from '../../ports/notifier.js';

/** Options of {@link AdapterDestinations}. */
export interface AdapterDestinationsOptions {
  /** Where `log` notifications and sink warnings go (default: stderr). */
  readonly log?: (line: string) => void;
  /** Added to every SNS client's configuration (credentials, endpoint). */
  readonly sns?: SNSClientConfig;
}

/**
 * Builds notifier and sink adapters from destination specs, one per distinct
 * spec, importing each adapter module (and its SDK) only when first needed.
 */
export class AdapterDestinations implements Destinations {
  readonly #options: AdapterDestinationsOptions;
  readonly #made = new Map<string, Promise<Notifier | EventSink>>();

  constructor(options: AdapterDestinationsOptions = {}) {
    this.#options = options;
  }

  notifier(destination: NotifierDestination): Promise<Notifier> {
    return this.#once(destination, () => this.#makeNotifier(destination)) as Promise<Notifier>;
  }

  sink(destination: SinkDestination): Promise<EventSink> {
    return this.#once(destination, async () => {
      const { OpenSearchSink } = await import('../../adapters/opensearch/opensearch-sink.js');
      return new OpenSearchSink(destination, { log: this.#options.log });
    }) as Promise<EventSink>;
  }

  async close(): Promise<void> {
    const made = [...this.#made.values()];
    this.#made.clear();
    await Promise.all(made.map(async (p) => (await p.catch(() => undefined))?.close?.()));
  }

  // Keyed by the whole spec: entries written before a config change keep their own destination.
  #once(destination: NotifierDestination | SinkDestination, make: () => Promise<Notifier | EventSink>): Promise<Notifier | EventSink> {
    const key = stableJson(destination);
    let made = this.#made.get(key);
    if (!made) {
      made = make();
      made.catch(() => this.#made.delete(key));
      this.#made.set(key, made);
    }
    return made;
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
