import type { NotifierDestination } from '../../domain/notify/destinations.js';
import type { Notification } from '../../domain/notify/events.js';
import type { Notifier } from '../../ports/notifier.js';
import { postJson, timeoutMs } from '../webhook/post-json.js';
import { slackMessage } from './slack-message.js';

type SlackDestination = Extract<NotifierDestination, { type: 'slack' }>;

/** Posts to a Slack incoming webhook; Slack's 4xx answers (bad payload, archived channel) are not retried. */
export class SlackNotifier implements Notifier {
  readonly #destination: SlackDestination;

  constructor(destination: SlackDestination) {
    this.#destination = destination;
  }

  async send(notification: Notification): Promise<void> {
    const d = this.#destination;
    await postJson(d.webhookUrl, JSON.stringify(slackMessage(notification)), {
      timeoutMs: timeoutMs(d.timeoutSeconds),
      what: 'Slack webhook',
    });
  }
}
