import type { Notification } from '../../domain/notify/events.js';
import { renderNotification } from '../../domain/notify/render.js';
import type { DeliveryInfo, Notifier } from '../../ports/notifier.js';

/** Writes each notification as one JSON line (`title` plus every fact) to `write` (default: stderr). */
export class LogNotifier implements Notifier {
  readonly #write: (line: string) => void;

  constructor(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)) {
    this.#write = write;
  }

  async send(notification: Notification, delivery: DeliveryInfo): Promise<void> {
    const { title } = renderNotification(notification);
    this.#write(JSON.stringify({ notification: title, delivery: delivery.id, ...notification }));
  }
}
