import nodemailer, { type Transporter } from 'nodemailer';
import type { NotifierDestination } from '../../domain/notify/destinations.js';
import type { Notification } from '../../domain/notify/events.js';
import { renderNotification, renderText } from '../../domain/notify/render.js';
import type { DeliveryInfo, Notifier } from '../../ports/notifier.js';
import { smtpDeliveryError } from './smtp-errors.js';

type EmailDestination = Extract<NotifierDestination, { type: 'email' }>;

/**
 * Sends each notification as a plain-text email through an SMTP server
 * (nodemailer, one pooled connection). The Message-ID is derived from the
 * outbox entry id, so a redelivered mail can be recognised as the same one.
 */
export class SmtpNotifier implements Notifier {
  readonly #destination: EmailDestination;
  readonly #transport: Transporter;

  constructor(destination: EmailDestination) {
    this.#destination = destination;
    const smtp = destination.smtp;
    const port = smtp.port ?? 587;
    const timeout = Math.round((smtp.timeoutSeconds ?? 30) * 1000);
    this.#transport = nodemailer.createTransport({
      host: smtp.host,
      port,
      secure: smtp.secure ?? port === 465,
      requireTLS: smtp.requireTLS,
      auth: smtp.auth,
      pool: true,
      maxConnections: 1,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
  }

  async send(notification: Notification, delivery: DeliveryInfo): Promise<void> {
    const d = this.#destination;
    try {
      await this.#transport.sendMail({
        from: d.from,
        to: d.to,
        subject: `[adp] ${renderNotification(notification).title}`.slice(0, 250),
        text: renderText(notification),
        messageId: `<${delivery.id}@adp.invalid>`,
        headers: { 'X-Adp-Event': notification.event, 'X-Adp-Delivery': delivery.id },
      });
    } catch (error) {
      throw smtpDeliveryError(error);
    }
  }

  async close(): Promise<void> {
    this.#transport.close();
  }
}
