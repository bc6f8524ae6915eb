import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failureNotification } from '../../../test/helpers/notifications.js';
import { CaptureServer } from '../../../test/helpers/http-capture.js';
import { DeliveryError } from '../../domain/notify/delivery-error.js';
import type { Notification } from '../../domain/notify/events.js';
import { verifyWebhook } from './signature.js';
import { WebhookNotifier } from './webhook-notifier.js';

const notification = failureNotification();
const delivery = { id: 'ob-1', attempt: 1 };

async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(DeliveryError);
  return e as DeliveryError;
}

describe('webhook notifier (protocol-level HTTP capture server)', () => {
  let server: CaptureServer;
  beforeEach(async () => {
    server = await CaptureServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  it('POSTs the notification as JSON with event, delivery and a verifiable HMAC-SHA256 signature', async () => {
    const now = new Date('2027-01-04T10:00:06Z');
    const hook = new WebhookNotifier({ type: 'webhook', id: 'h', url: `${server.url}/hooks/adp`, secret: 'shh', headers: { 'X-Team': 'data' } }, { now: () => now });
    await hook.send(notification, delivery);
    const [req] = server.requests;
    expect(req).toMatchObject({ method: 'POST', path: '/hooks/adp' });
    expect(JSON.parse(req!.body)).toEqual(notification);
    expect(req!.headers).toMatchObject({
      'content-type': 'application/json',
      'x-adp-event': 'failure',
      'x-adp-delivery': 'ob-1',
      'x-adp-timestamp': String(now.getTime() / 1000),
      'x-team': 'data',
    });
    const signature = String(req!.headers['x-adp-signature']);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhook('shh', String(req!.headers['x-adp-timestamp']), req!.body, signature)).toBe(true);
    expect(verifyWebhook('other', String(req!.headers['x-adp-timestamp']), req!.body, signature)).toBe(false);
    expect(verifyWebhook('shh', String(req!.headers['x-adp-timestamp']), `${req!.body} `, signature)).toBe(false);
  });

  it('sends no signature without a secret', async () => {
    await new WebhookNotifier({ type: 'webhook', id: 'h', url: server.url }).send(notification, delivery);
    expect(server.requests[0]!.headers['x-adp-signature']).toBeUndefined();
  });

  it('retries 5xx and 429 (keeping Retry-After), not other 4xx', async () => {
    const hook = new WebhookNotifier({ type: 'webhook', id: 'h', url: server.url });
    server.handler = () => ({ status: 503, headers: { 'retry-after': '7' }, body: 'maintenance' });
    const busy = await failure(hook.send(notification, delivery));
    expect(busy).toMatchObject({ retryable: true, retryAfterMs: 7000 });
    expect(busy.message).toMatch(/HTTP 503: maintenance/);
    server.handler = () => ({ status: 429 });
    expect((await failure(hook.send(notification, delivery))).retryable).toBe(true);
    server.handler = () => ({ status: 404, body: 'not found' });
    expect((await failure(hook.send(notification, delivery))).retryable).toBe(false);
  });

  it('gives up after its timeout, and treats a refused connection as retryable', async () => {
    server.handler = () => ({ hang: true });
    const slow = await failure(new WebhookNotifier({ type: 'webhook', id: 'h', url: server.url, timeoutSeconds: 0.2 }).send(notification, delivery));
    expect(slow).toMatchObject({ retryable: true });
    expect(slow.message).toMatch(/no answer within 0.2 s/);
    await server.down();
    const refused = await failure(new WebhookNotifier({ type: 'webhook', id: 'h', url: server.url }).send(notification, delivery));
    expect(refused.retryable).toBe(true);
    expect(refused.message).toMatch(/ECONNREFUSED/);
  });
});
