import type { Notification } from '../../src/domain/notify/events.js';

/** A failure notification of the sample curation; tests override what they look at. */
export function failureNotification(overrides: Partial<Notification> = {}): Notification {
  return {
    id: 'evt-1',
    event: 'failure',
    curationType: 'wildrydes-rydebooking',
    occurredAt: '2027-01-04T10:00:05.000Z',
    status: 'failed',
    error: 'QUERY_FAILED',
    errorCause: { errorType: 'QueryFailedError', errorMessage: 'Binder Error' },
    ...overrides,
  } as Notification;
}
