import type { PublishCommandInput, SNSClient, SNSClientConfig } from '@aws-sdk/client-sns';
import type { NotifierDestination } from '../../domain/notify/destinations.js';
import { DeliveryError, isNetworkError, isRetryableStatus } from '../../domain/notify/delivery-error.js';
import type { AlertEvent, Notification } from '../../domain/notify/events.js';
import { renderText } from '../../domain/notify/render.js';
import type { DeliveryInfo, Notifier } from '../../ports/notifier.js';

type SnsDestination = Extract<NotifierDestination, { type: 'sns' }>;

const OUTCOME: Record<AlertEvent, string> = {
  success: 'success',
  failure: 'has failed',
  recovery: 'recovery',
  failureStreak: 'has failed',
  longRunning: 'long running',
  missedSchedule: 'missed schedule',
  stale: 'stale',
  qualityWarning: 'quality warning',
};

/**
 * The sample's subject, `Data Pipeline - curation for <type> success` or
 * `… has failed`, and the same pattern for the other events (SNS allows 100
 * printable ASCII characters: others become `?`, and a long curation type
 * is shortened with `...` so the outcome always shows).
 */
export function snsSubject(n: Notification): string {
  const ascii = (text: string) => text.replace(/[^\x20-\x7e]/g, '?');
  const prefix = 'Data Pipeline - curation for ';
  const outcome = ` ${OUTCOME[n.event]}`;
  const room = 100 - prefix.length - outcome.length;
  const type = ascii(n.curationType);
  // The outcome is what a reader or a mail filter needs: shorten the name, never the outcome.
  return `${prefix}${type.length > room ? `${type.slice(0, room - 3)}...` : type}${outcome}`;
}

/**
 * The message body: the sample's sentence first (`The output of your
 * curation can be found: <location>`, or `The curation for <type> has
 * failed due to <error> with detail:` and the error cause), so filters and
 * readers of the sample's messages keep working; then adp's labelled lines.
 */
export function snsMessage(n: Notification): string {
  return [...sampleLines(n), renderText(n)].join('\n');
}

function sampleLines(n: Notification): string[] {
  if (n.event === 'success') return n.outputLocation ? [`The output of your curation can be found: ${n.outputLocation}`, ''] : [];
  if (n.event !== 'failure' && n.event !== 'failureStreak') return [];
  if (!n.error) return [`The curation for ${n.curationType} has failed.`, ''];
  const detail = n.errorCause ? JSON.stringify({ errorType: n.errorCause.errorType, errorMessage: n.errorCause.errorMessage }) : '{}';
  return [`The curation for ${n.curationType} has failed due to ${n.error} with detail:`, detail, ''];
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
        Message: snsMessage(notification),
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
