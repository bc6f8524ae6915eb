import type { HistoryRecord, TerminalStatus, Trigger } from './history.js';
import { STEPS, type RunState, type StepName } from './run.js';

/**
 * One entry of a run's event log, kept in the run's context and so persisted
 * with the run by every store, in the same write as the step it describes.
 * Polls of a running query are not logged (a long query would flood the
 * log); `stepStarted`/`stepSucceeded` bracket them.
 */
export type RunLogEvent =
  | { readonly kind: 'started'; readonly at: string; readonly worker: string }
  | { readonly kind: 'leaseTakenOver'; readonly at: string; readonly worker: string; readonly previousWorker: string }
  | { readonly kind: 'stepStarted'; readonly at: string; readonly step: StepName; readonly attempt: number }
  | {
      readonly kind: 'stepSucceeded';
      readonly at: string;
      readonly step: StepName;
      readonly attempt: number;
      readonly durationMs: number;
      readonly note?: string;
      readonly queryExecutionId?: string;
      readonly rowCount?: number;
      readonly bytesWritten?: number;
      readonly bytesScanned?: number;
    }
  | {
      readonly kind: 'retryScheduled';
      readonly at: string;
      readonly step: StepName;
      readonly attempt: number;
      readonly delayMs: number;
      readonly reason: string;
    }
  | {
      readonly kind: 'stepFailed';
      readonly at: string;
      readonly step: StepName;
      readonly attempt: number;
      readonly durationMs: number;
      readonly status: Exclude<TerminalStatus, 'succeeded' | 'skipped'>;
      readonly errorType: string;
      readonly error: string;
    }
  | { readonly kind: 'stepNote'; readonly at: string; readonly step: StepName; readonly note: string }
  | { readonly kind: 'cancelRequested'; readonly at: string; readonly step: StepName; readonly reason: string };

export type RunLogEventKind = RunLogEvent['kind'];

/** Every kind of entry of {@link runTimeline}, in the order a run meets them. */
export const RUN_TIMELINE_KINDS = [
  'queued',
  'started',
  'leaseTakenOver',
  'stepStarted',
  'stepNote',
  'retryScheduled',
  'stepSucceeded',
  'stepFailed',
  'cancelRequested',
  'finished',
] as const;

/** How a run's log starts and ends: derived from the run row and its record, never stored twice. */
export type RunTimelineEvent =
  | RunLogEvent
  | { readonly kind: 'queued'; readonly at: string; readonly trigger: Trigger; readonly scheduledTime?: string }
  | { readonly kind: 'finished'; readonly at: string; readonly status: TerminalStatus; readonly error?: string };

/** A log entry longer than this is cut: a database error can quote a whole statement. */
const MAX_TEXT = 2000;
/** A run's log never grows past this (retries and take-overs are bounded, so this is a guard). */
export const MAX_RUN_EVENTS = 200;

export function clipText(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

/** `events` with `added` appended; past {@link MAX_RUN_EVENTS} the oldest entries after the first go. */
export function appendEvents(events: readonly RunLogEvent[] | undefined, added: readonly RunLogEvent[]): RunLogEvent[] {
  const all = [...(events ?? []), ...added];
  if (all.length <= MAX_RUN_EVENTS) return all;
  return [all[0]!, ...all.slice(all.length - MAX_RUN_EVENTS + 1)];
}

/** When `step` began, if the log shows it started and has not ended since (a poll or a retry of it continues it). */
export function openStepStart(events: readonly RunLogEvent[] | undefined, step: StepName): string | undefined {
  if (!events) return undefined;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.kind === 'stepStarted') return e.step === step ? e.at : undefined;
    if (e.kind === 'stepSucceeded' || e.kind === 'stepFailed') return undefined;
  }
  return undefined;
}

/** The whole log of a run: queued, what the workers logged, and how it finished (from its record). */
export function runTimeline(run: RunState | undefined, record: HistoryRecord | undefined): RunTimelineEvent[] {
  const events: RunTimelineEvent[] = [];
  if (run) {
    events.push({ kind: 'queued', at: run.createdAt, trigger: run.trigger, ...(run.scheduledTime ? { scheduledTime: run.scheduledTime } : {}) });
    events.push(...(run.context.events ?? []));
  }
  if (record) {
    events.push({
      kind: 'finished',
      at: new Date(record.timestamp).toISOString(),
      status: record.status,
      ...(record.error !== undefined ? { error: record.errorCause?.errorMessage ?? record.error } : {}),
    });
  }
  return events;
}

export type StepState = 'succeeded' | 'failed' | 'running' | 'pending' | 'notReached';

/** One step of a run as its page shows it. */
export interface StepSummary {
  readonly step: StepName;
  readonly state: StepState;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
  /** Attempts made (above 1: retried). */
  readonly attempts?: number;
}

/**
 * Where each step of a run got to, from its log: succeeded (with its
 * duration), failed (the step the run ended at), running, pending (not yet
 * reached by a run still going) or notReached (the run ended before it).
 * A run logged before events existed shows the steps before its current
 * one as succeeded.
 */
export function stepSummaries(run: RunState | undefined, record: HistoryRecord | undefined): StepSummary[] {
  const events = run?.context.events ?? [];
  const ended = Boolean(record) || (run !== undefined && run.status !== 'queued' && run.status !== 'running');
  const failedStep = record?.failedStep ?? run?.context.failure?.step;
  const byStep = new Map<StepName, { startedAt?: string; endedAt?: string; durationMs?: number; attempts: number; outcome?: 'succeeded' | 'failed' }>();
  for (const e of events) {
    if (!('step' in e)) continue;
    const s = byStep.get(e.step) ?? { attempts: 0 };
    if (e.kind === 'stepStarted') {
      s.startedAt ??= e.at;
      s.attempts = Math.max(s.attempts, e.attempt);
    } else if (e.kind === 'retryScheduled') s.attempts = Math.max(s.attempts, e.attempt + 1);
    else if (e.kind === 'stepSucceeded' || e.kind === 'stepFailed') {
      s.endedAt = e.at;
      s.durationMs = e.durationMs;
      s.attempts = Math.max(s.attempts, e.attempt);
      s.outcome = e.kind === 'stepSucceeded' ? 'succeeded' : 'failed';
    }
    byStep.set(e.step, s);
  }
  const legacy = events.length === 0;
  const current = run ? STEPS.indexOf(run.step) : STEPS.length - 1;
  const failedAt = failedStep ? STEPS.indexOf(failedStep) : -1;
  return STEPS.map((step, i) => {
    const s = byStep.get(step);
    const times = s
      ? {
          ...(s.startedAt ? { startedAt: s.startedAt } : {}),
          ...(s.endedAt ? { endedAt: s.endedAt } : {}),
          ...(s.durationMs !== undefined ? { durationMs: s.durationMs } : {}),
          ...(s.attempts > 0 ? { attempts: s.attempts } : {}),
        }
      : {};
    if (step === 'record') {
      const recorded = record ? { endedAt: new Date(record.timestamp).toISOString() } : {};
      return { step, state: record ? 'succeeded' : run?.step === 'record' && !ended ? 'running' : 'pending', ...times, ...recorded };
    }
    if (failedAt >= 0) {
      if (i === failedAt) return { step, state: 'failed', ...times };
      if (i > failedAt) return { step, state: 'notReached', ...times };
      return { step, state: 'succeeded', ...times };
    }
    if (s?.outcome) return { step, state: s.outcome, ...times };
    if (legacy ? i < current || (record?.status === 'succeeded') : false) return { step, state: 'succeeded', ...times };
    if (!ended && i === current && run?.status === 'running') return { step, state: 'running', ...times };
    return { step, state: ended ? 'notReached' : 'pending', ...times };
  });
}

function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** One line for a log entry, as `adp run --wait` prints it live and `adp runs show` lists it. */
export function describeRunEvent(e: RunTimelineEvent): string {
  switch (e.kind) {
    case 'queued':
      return `queued (trigger ${e.trigger}${e.scheduledTime ? `, scheduled for ${e.scheduledTime}` : ''})`;
    case 'started':
      return `started on ${e.worker}`;
    case 'leaseTakenOver':
      return `taken over by ${e.worker} from ${e.previousWorker}, whose lease lapsed`;
    case 'stepStarted':
      return `${e.step} started${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`;
    case 'stepSucceeded': {
      const details = [
        e.queryExecutionId && `query ${e.queryExecutionId}`,
        e.bytesScanned !== undefined && `about ${e.bytesScanned} bytes to scan`,
        e.rowCount !== undefined && `${e.rowCount} rows`,
        e.bytesWritten !== undefined && `${e.bytesWritten} bytes written`,
        e.note,
      ].filter(Boolean);
      return `${e.step} succeeded in ${duration(e.durationMs)}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
    }
    case 'stepNote':
      return `${e.step}: ${e.note}`;
    case 'retryScheduled':
      return `${e.step} attempt ${e.attempt} failed (${e.reason}); retrying in ${duration(e.delayMs)}`;
    case 'stepFailed': {
      const how = e.status === 'timed_out' ? 'timed out' : e.status === 'cancelled' ? 'was cancelled' : 'failed';
      return `${e.step} ${how} after ${duration(e.durationMs)}: ${e.errorType}: ${e.error}`;
    }
    case 'cancelRequested':
      return `cancelled before ${e.step}: ${e.reason}`;
    case 'finished':
      return `finished ${e.status}${e.error ? `: ${e.error}` : ''}`;
  }
}
