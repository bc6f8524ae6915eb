import type { Command } from 'commander';
import type { HistoryRecord } from '../../domain/history.js';
import type { RunState } from '../../domain/run.js';
import { describeRunEvent, runTimeline, stepSummaries, type RunTimelineEvent, type StepSummary } from '../../domain/run-events.js';
import { NotFoundError, StateError } from '../../domain/errors.js';
import { describeRecord } from '../describe-record.js';
import { EXIT_OK, EXIT_RUN_FAILED } from '../exit-codes.js';
import { printJson, type CliIo } from '../io.js';
import { READ_ONLY, withProject, type GlobalOptions } from '../project.js';
import { formatDuration, renderTable } from '../table.js';
import type { Project } from '../../drivers/project.js';
import { sayOverlap } from '../say-overlap.js';
import { parseWholeNumber } from '../parse-args.js';
import type { OutputPreview } from '../../engine/output-preview/preview-output.js';

const CANCEL_REASON = 'cancelled with `adp runs cancel`';

/** `adp runs`: the runs in flight, one run's log, cancelling and retrying. */
export function registerRuns(program: Command, io: CliIo, globals: () => GlobalOptions, setExit: (code: number) => void): void {
  const runs = program.command('runs').description('runs in flight (`adp runs`), one run\'s log (`show`), its first rows (`preview`), `cancel` and `retry`');
  runs
    .command('list', { isDefault: true })
    .description('runs in flight (queued or running), oldest first')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withProject(globals(), async (p) => {
        const active = await p.state.listActiveRuns();
        if (opts.json) return printJson(io, active.map(activeJson));
        if (active.length === 0) return io.err('no runs in flight (finished runs: `adp history`)');
        io.out(
          renderTable(
            ['EXECUTION', 'CURATION', 'STATUS', 'STEP', 'ATTEMPT', 'TRIGGER', 'SINCE (UTC)', 'WORKER'],
            active.map((r) => [r.executionName, r.curationType, r.status, r.step, String(r.attempt), r.trigger, shortTime(r.startedAt ?? r.createdAt), r.leaseOwner ?? '']),
          ),
        );
      }, READ_ONLY);
    });

  runs
    .command('show')
    .description("one run: where it is or how it ended, each step's state and duration, and its event log")
    .argument('<name>', 'the execution name (see `adp runs`, `adp history`)')
    .option('--json', 'print JSON: the run, its steps, its events and its record')
    .action(async (name: string, opts: { json?: boolean }) => {
      await withProject(globals(), async (p) => {
        const { run, record } = await load(p, name);
        const steps = stepSummaries(run, record);
        const events = runTimeline(run, record);
        if (opts.json) return printJson(io, { curationExecutionName: name, curationType: run?.curationType ?? record!.curationType, status: record?.status ?? run!.status, steps, events, record: record ?? null });
        io.out(showText(name, run, record, steps, events));
      }, READ_ONLY);
    });

  runs
    .command('cancel')
    .description('cancel a queued or running run, wherever it runs; it ends with status cancelled')
    .argument('<name>')
    .option('--wait', 'wait for its cancelled record when another process executes it')
    .action(async (name: string, opts: { wait?: boolean }) => {
      await withProject(globals(), async (p) => {
        const { run, record } = await load(p, name);
        if (record) throw new StateError(`run '${name}' already ended with status ${record.status}`);
        await p.scheduling.requestCancel(name, CANCEL_REASON, p.clock.now());
        const now = p.clock.now();
        const deps = await p.deps((e) => io.err(`${e.curationType}: ${e.message}`));
        // Nobody holds it (queued, even behind an older run of its curation, or its worker died): end it here, so it gets its record now.
        const { cliLease, executeLeased } = await import('../command-work.js');
        const lease = cliLease(p);
        const claimed = await p.scheduling.claimRun(name, { owner: deps.workerId, now, leaseUntil: new Date(now.getTime() + lease.leaseMs) });
        if (claimed) {
          const controller = new AbortController();
          controller.abort(CANCEL_REASON);
          const ended = await executeLeased(deps, lease, claimed, controller.signal);
          io.out(`${name}: ${ended.status}`);
          return;
        }
        io.err(`${name}: cancel requested; ${run!.leaseOwner ?? 'the worker that holds it'} stops it at once (follow it with \`adp runs show ${name}\`)`);
        if (!opts.wait) return;
        const ended = await waitForRecord(p, name);
        io.out(`${name}: ${ended.status}`);
      });
    });

  runs
    .command('preview')
    .description("the first rows of an ended run's output, and whether its output and raw result are still there")
    .argument('<name>')
    .option('--rows <n>', 'rows to show (1-200)', '20')
    .option('--json', 'print JSON (the API\'s preview)')
    .action(async (name: string, opts: { rows: string; json?: boolean }) => {
      const rows = parseWholeNumber('--rows', opts.rows, 1, 200);
      await withProject(globals(), async (p) => {
        const { run, record } = await load(p, name);
        if (!record) throw new StateError(`run '${name}' has not ended (${run!.status} at ${run!.step}): its output can be previewed once it has`);
        const { previewOutput } = await import('../../engine/output-preview/preview-output.js');
        const preview = await previewOutput(p.objects, record, (await p.state.getCuration(record.curationType))?.definition, rows);
        if (opts.json) return printJson(io, preview);
        io.out(previewText(preview));
      }, READ_ONLY);
    });

  runs
    .command('retry')
    .description('start a new run repeating an ended one: same curation, parameters and scheduled time (trigger retry)')
    .argument('<name>')
    .option('--wait', 'execute the new run in this process and wait for its result')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { wait?: boolean; json?: boolean }) => {
      await withProject(globals(), async (p) => {
        const { retryRun, waitForRun } = await import('../command-work.js');
        if (!opts.wait) {
          const run = await retryRun({ ...p, queue: p.scheduling }, name);
          if (opts.json) printJson(io, { curationExecutionName: run.executionName, status: run.status, retryOf: name });
          else io.out(run.executionName);
          sayOverlap(io, run);
          io.err(`queued ${run.executionName} (retry of ${name}): \`adp serve\` executes it, or use --wait to run it here`);
          return;
        }
        const deps = await p.deps((e) => io.err(`${e.curationType}: ${e.message}`));
        const run = await retryRun({ ...deps, queue: p.scheduling }, name);
        io.err(`${run.curationType}: started ${run.executionName} (retry of ${name})`);
        sayOverlap(io, run);
        const record = await waitForRun(p, deps, io, run);
        if (opts.json) printJson(io, record);
        else io.out(describeRecord(record));
        setExit(record.status === 'succeeded' ? EXIT_OK : EXIT_RUN_FAILED);
      }, { runsQueries: Boolean(opts.wait) });
    });
}

async function load(p: Project, name: string): Promise<{ run?: RunState; record?: HistoryRecord }> {
  const [run, record] = await Promise.all([p.state.getRun(name), p.state.getHistoryRecord(name)]);
  if (!run && !record) throw new NotFoundError('run', name, 'see `adp runs` or `adp history`');
  return { run, record };
}

async function waitForRecord(p: Project, name: string): Promise<HistoryRecord> {
  for (;;) {
    const record = await p.state.getHistoryRecord(name);
    if (record) return record;
    await p.clock.sleep(p.config.scheduler.pollMs);
  }
}

function activeJson(r: RunState) {
  return {
    curationExecutionName: r.executionName,
    curationType: r.curationType,
    status: r.status,
    step: r.step,
    attempt: r.attempt,
    trigger: r.trigger,
    ...(r.scheduledTime ? { scheduledTime: r.scheduledTime } : {}),
    createdAt: r.createdAt,
    ...(r.startedAt ? { startedAt: r.startedAt } : {}),
    ...(r.leaseOwner ? { worker: r.leaseOwner } : {}),
  };
}

function previewText(preview: OutputPreview): string {
  const lines: string[] = [];
  const mark = (state: string | undefined) =>
    state === 'missing' ? '  (no longer there)' : state === 'deleted' ? '  (deleted after publishing)' : state === 'replaced' ? '  (replaced by a later run)' : '';
  if (preview.output) lines.push(`output  ${preview.output.uri}${mark(preview.output.state)}`);
  if (preview.output?.file) lines.push(`file    ${preview.output.file}${preview.output.files !== undefined ? ` (first of ${preview.output.files})` : ''}`);
  if (preview.raw) lines.push(`raw     ${preview.raw.uri}${mark(preview.raw.state)}`);
  if (preview.table) {
    const { columns, rows, truncated } = preview.table;
    lines.push('', renderTable(columns, rows.map((r) => r.map((v) => (v === null ? 'NULL' : v.replace(/\s+/g, ' '))))));
    lines.push(truncated ? `(first ${rows.length} rows; more in the file)` : `(${rows.length} rows, all of them)`);
  }
  if (preview.note) lines.push('', preview.note);
  return lines.join('\n');
}

function shortTime(iso: string | undefined): string {
  return iso ? iso.replace('T', ' ').slice(0, 19) : '';
}

const MARK: Record<StepSummary['state'], string> = { succeeded: 'ok', failed: 'FAILED', running: 'running', pending: 'pending', notReached: 'not reached' };

function showText(name: string, run: RunState | undefined, record: HistoryRecord | undefined, steps: StepSummary[], events: RunTimelineEvent[]): string {
  const status = record?.status ?? run!.status;
  const lines = [`${name}  ${run?.curationType ?? record!.curationType}  ${status}${record?.failedStep ? ` at ${record.failedStep}` : ''}`, ''];
  lines.push(
    renderTable(
      ['STEP', 'STATE', 'DURATION', 'ATTEMPTS'],
      steps.map((s) => [s.step, MARK[s.state], formatDuration(s.durationMs), s.attempts && s.attempts > 1 ? String(s.attempts) : '']),
    ),
  );
  lines.push('', 'EVENTS');
  for (const e of events) lines.push(`${e.at.replace('T', ' ').slice(0, 23)}  ${describeRunEvent(e)}`);
  if (record?.errorCause) lines.push('', `error: ${record.error}: ${record.errorCause.errorMessage}`);
  return lines.join('\n');
}
