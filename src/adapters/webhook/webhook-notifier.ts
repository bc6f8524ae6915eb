import type { NotifierDestination } from '../../domain/notify/destinations.js';
import type { Notification } from '../../domain/notify/events.js';
import type { DeliveryInfo, Notifier } from '../../ports/notifier.js';
import { postJson, timeoutMs } from './post-json.js';
import { SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './signature.js';

type WebhookDestination = Extract<NotifierDestination, { type: 'webhook' }>;

/**
 * POSTs the notification as JSON. Headers: `X-Adp-Event`, `X-Adp-Delivery`
 * (the outbox entry id, the same on every redelivery), `X-Adp-Timestamp`,
 * and `X-Adp-Signature` when the route has a `secret`.
 */
export class WebhookNotifier implements Notifier {
  readonly #destination: WebhookDestination;
  readonly #now: () => Date;

  constructor(destination: WebhookDestination, options: { readonly now?: () => Date } = {}) {
    this.#destination = destination;
    this.#now = options.now ?? (() => new Date());
  }

  async send(notification: Notification, delivery: DeliveryInfo): Promise<void> {
    const d = this.#destination;
    const body = JSON.stringify(notification);
    const timestamp = String(Math.floor(this.#now().getTime() / 1000));
    const headers: Record<string, string> = {
      ...d.headers,
      'x-adp-event': notification.event,
      'x-adp-delivery': delivery.id,
      [TIMESTAMP_HEADER]: timestamp,
    };
    if (d.secret) headers[SIGNATURE_HEADER] = signWebhook(d.secret, timestamp, body);
    await postJson(d.url, body, { headers, timeoutMs: timeoutMs(d.timeoutSeconds), what: `webhook ${new URL(d.url).origin}` });
  }
}
