import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failureNotification } from '../../../test/helpers/notifications.js';
import { CaptureServer, type Reply } from '../../../test/helpers/http-capture.js';
import { snsPublish } from '../../../test/helpers/aws/sns-server.js';
import { DeliveryError } from '../../domain/notify/delivery-error.js';
import type { Notification } from '../../domain/notify/events.js';
import { SnsNotifier, snsMessage, snsSubject } from './sns-notifier.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:curation-events';
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
const notification = failureNotification({
  error: 'Failed to start processing',
  errorCause: { errorType: 'NotFoundError', errorMessage: "curation 'x' not found" },
});

const snsError = (status: number, code: string, message: string): Reply => ({
  status,
  headers: { 'content-type': 'text/xml' },
  body: `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r-2</RequestId></ErrorResponse>`,
});

describe('SNS notifier (protocol-level SNS Query API endpoint on 127.0.0.1, real AWS SDK)', () => {
  let server: CaptureServer;
  let sns: SnsNotifier;
  beforeEach(async () => {
    server = await CaptureServer.start(snsPublish);
    sns = new SnsNotifier({ type: 'sns', id: 'topic', topicArn: TOPIC, endpoint: server.url }, { credentials });
  });
  afterEach(async () => {
    await sns.close();
    await server.close();
  });

  it('publishes with the sample’s subject, the readable text and event attributes, signed for the topic’s region', async () => {
    await sns.send(notification, { id: 'ob-1', attempt: 1 });
    const req = server.requests[0]!;
    const form = new URLSearchParams(req.body);
    expect(form.get('Action')).toBe('Publish');
    expect(form.get('TopicArn')).toBe(TOPIC);
    expect(form.get('Subject')).toBe('Data Pipeline - curation for wildrydes-rydebooking has failed');
    expect(form.get('Message')).toBe(snsMessage(notification));
    expect(form.get('Message')).toContain("Cause: NotFoundError: curation 'x' not found");
    expect(form.get('MessageAttributes.entry.1.Name')).toBe('event');
    expect(form.get('MessageAttributes.entry.1.Value.StringValue')).toBe('failure');
    expect(form.get('MessageAttributes.entry.2.Value.StringValue')).toBe('wildrydes-rydebooking');
    expect(String(req.headers.authorization)).toMatch(/Credential=AKIDTEST\/\d{8}\/eu-west-1\/sns\/aws4_request/);
  });

  it('retries throttling and server errors, not authorisation errors', async () => {
    server.handler = () => snsError(400, 'Throttling', 'Rate exceeded');
    const throttled = await sns.send(notification, { id: 'ob-1', attempt: 1 }).catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(DeliveryError);
    expect(throttled).toMatchObject({ retryable: true });
    server.handler = () => snsError(500, 'InternalError', 'oops');
    expect(await sns.send(notification, { id: 'ob-1', attempt: 2 }).catch((e: unknown) => e)).toMatchObject({ retryable: true });
    server.handler = () => snsError(403, 'AuthorizationError', 'not allowed to publish');
    const denied = await sns.send(notification, { id: 'ob-1', attempt: 3 }).catch((e: unknown) => e);
    expect(denied).toMatchObject({ retryable: false, message: expect.stringMatching(/AuthorizationError.*not allowed to publish/) });
  });

  it('words the subject per event and keeps it within SNS limits', () => {
    const subject = (event: Notification['event'], curationType = 'c') => snsSubject({ ...notification, event, curationType });
    expect(subject('success')).toBe('Data Pipeline - curation for c success');
    expect(subject('failure')).toBe('Data Pipeline - curation for c has failed');
    expect(subject('failureStreak')).toBe('Data Pipeline - curation for c has failed');
    expect(subject('missedSchedule')).toBe('Data Pipeline - curation for c missed schedule');
    expect(subject('failure', 'x'.repeat(64))).toHaveLength(100);
    expect(subject('failure', 'x'.repeat(64))).toBe(`Data Pipeline - curation for ${'x'.repeat(57)}... has failed`);
    expect(subject('success', 'x'.repeat(63))).toBe(`Data Pipeline - curation for ${'x'.repeat(63)} success`);
    expect(subject('missedSchedule', 'x'.repeat(64))).toHaveLength(100);
    expect(subject('success', 'café')).toBe('Data Pipeline - curation for caf? success');
  });

  it('opens the message with the sample’s sentence, then the labelled lines', () => {
    const lines = snsMessage(notification).split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'The curation for wildrydes-rydebooking has failed due to Failed to start processing with detail:',
      JSON.stringify({ errorType: 'NotFoundError', errorMessage: "curation 'x' not found" }),
      '',
    ]);
    expect(lines.slice(3, 6)).toEqual(['wildrydes-rydebooking failed: Failed to start processing', '', 'Curation: wildrydes-rydebooking']);
    const success = snsMessage({ ...notification, event: 'success', status: 'succeeded', error: undefined, errorCause: undefined, outputLocation: 's3://out/wildrydes/ryde.csv' });
    expect(success.split('\n').slice(0, 3)).toEqual(['The output of your curation can be found: s3://out/wildrydes/ryde.csv', '', 'wildrydes-rydebooking succeeded']);
    expect(snsMessage({ ...notification, event: 'missedSchedule' }).startsWith('wildrydes-rydebooking missed its scheduled run')).toBe(true);
  });
});
