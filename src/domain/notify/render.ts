import type { Notification } from './events.js';

/** A notification as people read it: a one-line title and labelled lines, most useful first. */
export interface RenderedMessage {
  readonly title: string;
  readonly lines: readonly (readonly [label: string, value: string])[];
}

const HEADLINES: Record<Notification['event'], (n: Notification) => string> = {
  success: (n) => `${n.curationType} succeeded`,
  failure: (n) => `${n.curationType} ${n.status === 'timed_out' ? 'timed out' : n.status === 'cancelled' ? 'was cancelled' : 'failed'}${n.error ? `: ${n.error}` : ''}`,
  recovery: (n) => `${n.curationType} recovered after ${plural(n.consecutiveFailures ?? 1, 'failed run')}`,
  failureStreak: (n) => `${n.curationType} has failed ${plural(n.consecutiveFailures ?? 0, 'time')} in a row`,
  longRunning: (n) => `${n.curationType} is running longer than expected (${duration((n.expectedDurationSeconds ?? 0) * 1000)})`,
  missedSchedule: (n) => `${n.curationType} missed its scheduled run${n.missedTick ? ` of ${n.missedTick}` : ''}`,
  stale: (n) => `${n.curationType} is stale: no successful run ${n.lastSuccessAt ? `since ${n.lastSuccessAt}` : 'yet'}`,
  qualityWarning: (n) => `${n.curationType}: ${plural(n.failedChecks?.length ?? 0, 'quality check')} failed (warn)`,
};

/** Title and lines for email, Slack, SNS and logs alike. */
export function renderNotification(n: Notification): RenderedMessage {
  const lines: [string, string][] = [];
  const add = (label: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') lines.push([label, String(value)]);
  };
  add('Curation', n.curationType);
  add('Status', n.status);
  add('Error', n.error);
  if (n.errorCause) add('Cause', `${n.errorCause.errorType}: ${n.errorCause.errorMessage}`);
  add('Scheduled', n.scheduledTime);
  add('Started', n.startedAt);
  if (n.durationMs !== undefined) add(n.event === 'longRunning' ? 'Running for' : 'Duration', duration(n.durationMs));
  if (n.rowCount !== undefined) add('Rows', n.rowCount.toLocaleString('en-US'));
  for (const c of n.failedChecks ?? []) add(`Check ${c.name}`, c.error ?? `${c.observed} (expected ${c.expected})`);
  add('Output', n.outputLocation);
  if (n.consecutiveFailures !== undefined && n.event !== 'success') add('Failures in a row', n.consecutiveFailures);
  add('Failing since', n.event === 'stale' ? undefined : n.incidentSince);
  add('Missed tick', n.missedTick);
  add('Last success', n.event === 'stale' ? (n.lastSuccessAt ?? 'never') : undefined);
  if (n.freshnessSeconds !== undefined) add('Freshness', duration(n.freshnessSeconds * 1000));
  add('Trigger', n.trigger);
  add('Execution', n.executionName);
  add('Run', n.runUrl);
  return { title: HEADLINES[n.event](n), lines };
}

/** Plain text: the title, a blank line, then `Label: value` lines. */
export function renderText(n: Notification): string {
  const m = renderNotification(n);
  return [m.title, '', ...m.lines.map(([label, value]) => `${label}: ${value}`)].join('\n');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** 850 ms, 4.8 s, 12 min 5 s, 3 h 20 min. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}
