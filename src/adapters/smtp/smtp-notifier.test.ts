import { failureNotification } from '../../../test/helpers/notifications.js';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../domain/notify/delivery-error.js';
import type { Notification } from '../../domain/notify/events.js';
import { SmtpNotifier } from './smtp-notifier.js';

const notification = failureNotification({ event: 'failureStreak', consecutiveFailures: 3, runUrl: 'https://adp.example.com/runs/r1' });

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on 127.0.0.1 (smtp-server), plain text, no auth, that keeps what it receives. */
async function smtpServer(options: Partial<SMTPServerOptions> = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { received, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('email notifier (smtp-server receiving on 127.0.0.1)', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  const notifier = (port: number) => {
    const n = new SmtpNotifier({ type: 'email', id: 'mail', smtp: { host: '127.0.0.1', port, timeoutSeconds: 2 }, from: 'adp@example.com', to: ['ops@example.com', 'data@example.com'] });
    cleanup.push(() => n.close());
    return n;
  };

  it('delivers a plain-text mail whose subject says what happened and whose body has the facts and the link', async () => {
    const smtp = await smtpServer();
    cleanup.push(smtp.close);
    await notifier(smtp.port).send(notification, { id: 'ob-42', attempt: 1 });
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.from).toBe('adp@example.com');
    expect(mail.to).toEqual(['ops@example.com', 'data@example.com']);
    expect(mail.raw).toMatch(/^Subject: \[adp\] wildrydes-rydebooking has failed 3 times in a row\r?$/m);
    expect(mail.raw).toMatch(/^Message-ID: <ob-42@adp\.invalid>\r?$/im);
    expect(mail.raw).toMatch(/^X-Adp-Event: failureStreak\r?$/m);
    const body = mail.raw.replace(/=\r?\n/g, '');
    expect(body).toContain('Cause: QueryFailedError: Binder Error');
    expect(body).toContain('Run: https://adp.example.com/runs/r1');
  });

  it('retries 4xx replies and an unreachable server, not 5xx replies', async () => {
    let reply = 450;
    const smtp = await smtpServer({
      onRcptTo(_address, _session, callback) {
        const error = Object.assign(new Error(reply === 450 ? 'mailbox busy, try later' : 'no such user'), { responseCode: reply });
        callback(error);
      },
    });
    cleanup.push(smtp.close);
    const n = notifier(smtp.port);
    const busy = await n.send(notification, { id: 'ob-1', attempt: 1 }).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(DeliveryError);
    expect(busy).toMatchObject({ retryable: true });
    reply = 550;
    const refused = await n.send(notification, { id: 'ob-1', attempt: 2 }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ retryable: false, message: expect.stringMatching(/no such user/) });

    const gone = await smtpServer();
    await gone.close();
    const down = await notifier(gone.port).send(notification, { id: 'ob-1', attempt: 1 }).catch((e: unknown) => e);
    expect(down).toMatchObject({ retryable: true });
  });
});
