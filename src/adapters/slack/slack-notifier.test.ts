import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failureNotification } from '../../../test/helpers/notifications.js';
import { CaptureServer } from '../../../test/helpers/http-capture.js';
import { DeliveryError } from '../../domain/notify/delivery-error.js';
import type { Notification } from '../../domain/notify/events.js';
import { SlackNotifier } from './slack-notifier.js';

const notification = failureNotification({
  errorCause: { errorType: 'QueryFailedError', errorMessage: 'column <x> not found' },
  runUrl: 'https://adp.example.com/runs/r1',
});

describe('Slack notifier (protocol-level HTTP capture server as the incoming webhook)', () => {
  let server: CaptureServer;
  beforeEach(async () => {
    server = await CaptureServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  it('posts a message with the title, the facts as fields and a button to the run', async () => {
    await new SlackNotifier({ type: 'slack', id: 's', webhookUrl: `${server.url}/services/T/B/X` }).send(notification);
    const body = JSON.parse(server.requests[0]!.body);
    expect(body.text).toBe('wildrydes-rydebooking failed: QUERY_FAILED <https://adp.example.com/runs/r1|open run>');
    expect(body.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '*wildrydes-rydebooking failed: QUERY_FAILED*' } });
    expect(body.blocks[1].fields).toContainEqual({ type: 'mrkdwn', text: '*Cause*\nQueryFailedError: column &lt;x&gt; not found' });
    expect(body.blocks.at(-1)).toEqual({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open run' }, url: 'https://adp.example.com/runs/r1' }] });
  });

  it('does not retry what Slack refuses for good', async () => {
    server.handler = () => ({ status: 400, body: 'invalid_payload' });
    const error = await new SlackNotifier({ type: 'slack', id: 's', webhookUrl: server.url }).send(notification).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ retryable: false, message: expect.stringMatching(/HTTP 400: invalid_payload/) });
  });
});
