import { describe, expect, it } from 'vitest';
import type { Notification } from './events.js';
import { renderNotification, renderText } from './render.js';

const failure: Notification = {
  id: 'evt-1',
  event: 'failure',
  curationType: 'wildrydes-rydebooking',
  occurredAt: '2027-01-04T10:00:05.000Z',
  status: 'failed',
  executionName: '20270104100000K3QZ8A_wildrydes_rydebooking',
  trigger: 'schedule',
  scheduledTime: '2027-01-04T10:00:00.000Z',
  startedAt: '2027-01-04T10:00:00.200Z',
  durationMs: 4800,
  error: 'QUERY_FAILED',
  errorCause: { errorType: 'QueryFailedError', errorMessage: 'Binder Error: column x not found' },
  runUrl: 'https://adp.example.com/runs/20270104100000K3QZ8A_wildrydes_rydebooking',
  consecutiveFailures: 2,
  incidentSince: '2027-01-04T09:00:05.000Z',
};

describe('rendering notifications', () => {
  it('puts curation, status, error and cause, schedule, duration and the run link in a failure message', () => {
    expect(renderText(failure)).toBe(
      [
        'wildrydes-rydebooking failed: QUERY_FAILED',
        '',
        'Curation: wildrydes-rydebooking',
        'Status: failed',
        'Error: QUERY_FAILED',
        'Cause: QueryFailedError: Binder Error: column x not found',
        'Scheduled: 2027-01-04T10:00:00.000Z',
        'Started: 2027-01-04T10:00:00.200Z',
        'Duration: 4.8 s',
        'Failures in a row: 2',
        'Failing since: 2027-01-04T09:00:05.000Z',
        'Trigger: schedule',
        'Execution: 20270104100000K3QZ8A_wildrydes_rydebooking',
        'Run: https://adp.example.com/runs/20270104100000K3QZ8A_wildrydes_rydebooking',
      ].join('\n'),
    );
  });

  it('titles every event so the subject line alone says what happened', () => {
    const base = { id: 'e', curationType: 'c', occurredAt: failure.occurredAt };
    const title = (n: Partial<Notification>) => renderNotification({ ...base, event: 'success', ...n } as Notification).title;
    expect(title({ event: 'success', rowCount: 1200, outputLocation: 's3://b/k.csv' })).toBe('c succeeded');
    expect(title({ event: 'failure', status: 'timed_out' })).toBe('c timed out');
    expect(title({ event: 'recovery', consecutiveFailures: 1 })).toBe('c recovered after 1 failed run');
    expect(title({ event: 'failureStreak', consecutiveFailures: 3 })).toBe('c has failed 3 times in a row');
    expect(title({ event: 'longRunning', expectedDurationSeconds: 300 })).toBe('c is running longer than expected (5 min 0 s)');
    expect(title({ event: 'missedSchedule', missedTick: '2027-01-04T10:00:00.000Z' })).toBe('c missed its scheduled run of 2027-01-04T10:00:00.000Z');
    expect(title({ event: 'stale' })).toBe('c is stale: no successful run yet');
    const lines = renderNotification({ ...base, event: 'success', rowCount: 1200, outputLocation: 's3://b/k.csv' }).lines;
    expect(lines).toContainEqual(['Rows', '1,200']);
    expect(lines).toContainEqual(['Output', 's3://b/k.csv']);
  });
});
