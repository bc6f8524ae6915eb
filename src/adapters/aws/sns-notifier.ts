import type { PublishCommandInput, SNSClient, SNSClientConfig } from '@aws-sdk/client-sns';
import type { NotifierDestination } from '../../domain/notify/destinations.js';
import { DeliveryError, isNetworkError, isRetryableStatus } from '../../domain/notify/delivery-error.js';
import type { AlertEvent, Notification } from '../../domain/notify/events.js';
import { renderText } from '../../domain/notify/render.js';
import type { DeliveryInfo, Notifier } from '../../ports/notifier.js';

type SnsDestination = Extract<NotifierDestination, { type: 'sns' }>;

const OUTCOME: Record<AlertEvent, string> = {
  success: 'success',
  failure: 'failure',
  recovery: 'recovery',
  failureStreak: 'failure',
  longRunning: 'long running',
  missedSchedule: 'missed schedule',
  stale: 'stale',
};

/** The sample's subject: `Data Pipeline - curation for <type> <success|failure>` (SNS allows 100 ASCII characters). */
export function snsSubject(n: Notification): string {
  return `Data Pipeline - curation for ${n.curationType} ${OUTCOME[n.event]}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
}

/**
 * Publishes to an SNS topic. The AWS SDK is loaded on first use, so nothing
 * else pays for it. Retries are the dispatcher's: the SDK makes one attempt.
 */
export class SnsNotifier implements Notifier {
  readonly #destination: SnsDestination;
  readonly #config: SNSClientConfig;
  #client?: Promise<{ client: SNSClient; publish: (input: PublishCommandInput) => Promise<unknown> }>;

  /** `config` adds to what the destination says (credentials, a custom endpoint in tests). */
  constructor(destination: SnsDestination, config: SNSClientConfig = {}) {
    this.#destination = destination;
    this.#config = config;
  }

  async send(notification: Notification, delivery: DeliveryInfo): Promise<void> {
    const d = this.#destination;
    const { publish } = await (this.#client ??= this.#open());
    const fifo = d.topicArn.endsWith('.fifo');
    try {
      await publish({
        TopicArn: d.topicArn,
        Subject: snsSubject(notification),
        Message: renderText(notification),
        MessageAttributes: {
          event: { DataType: 'String', StringValue: notification.event },
          curationType: { DataType: 'String', StringValue: notification.curationType },
        },
        ...(fifo ? { MessageGroupId: notification.curationType, MessageDeduplicationId: delivery.id } : {}),
      });
    } catch (error) {
      throw snsDeliveryError(error);
    }
  }

  async close(): Promise<void> {
    const opened = this.#client;
    this.#client = undefined;
    if (opened) (await opened).client.destroy();
  }

  async #open() {
    const { SNSClient, PublishCommand } = await import('@aws-sdk/client-sns');
    const d = this.#destination;
    const client = new SNSClient({
      region: d.region ?? d.topicArn.split(':')[3],
      ...(d.endpoint ? { endpoint: d.endpoint } : {}),
      maxAttempts: 1,
      ...this.#config,
    });
    return { client, publish: (input: PublishCommandInput) => client.send(new PublishCommand(input)) };
  }
}

/** Throttling, server faults and network trouble are retried; access and validation errors are not. */
function snsDeliveryError(error: unknown): DeliveryError {
  const e = error as { name?: string; message?: string; $fault?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  const retryable =
    isNetworkError(error) ||
    e.$fault === 'server' ||
    e.$retryable !== undefined ||
    (status !== undefined && isRetryableStatus(status)) ||
    /Throttl|Timeout|InternalError|ServiceUnavailable/i.test(e.name ?? '');
  return new DeliveryError(`SNS: ${e.name ?? 'Error'}: ${e.message ?? String(error)}`, { retryable, cause: error });
}
