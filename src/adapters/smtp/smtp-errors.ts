import { DeliveryError, isNetworkError } from '../../domain/notify/delivery-error.js';

// nodemailer's codes for "the server could not be reached or dropped us".
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ESTREAM']);

/**
 * An SMTP failure as a {@link DeliveryError}: 4xx replies (greylisting, a
 * full mailbox, "try again later") and connection trouble are retried; 5xx
 * replies, bad credentials and refused addresses are not.
 */
export function smtpDeliveryError(error: unknown): DeliveryError {
  const e = error as { code?: string; responseCode?: number; message?: string };
  const reply = e.responseCode;
  const retryable =
    reply !== undefined ? reply >= 400 && reply < 500 : (e.code !== undefined && TRANSIENT_CODES.has(e.code)) || isNetworkError(error);
  const message = (e.message ?? String(error)).replace(/\s+/g, ' ').slice(0, 300);
  return new DeliveryError(`SMTP: ${message}`, { retryable, cause: error });
}
