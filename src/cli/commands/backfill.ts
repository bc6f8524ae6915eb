import type { Command } from 'commander';
import { NotFoundError } from '../../domain/errors.js';
import type { BackfillTick } from '../../scheduler/backfill.js';
import { EXIT_OK, EXIT_RUN_FAILED } from '../exit-codes.js';
import { printJson, type CliIo } from '../io.js';
import { collectParam, parseInstant, parseParams, parseWholeNumber } from '../parse-args.js';
import { progressBar } from '../progress.js';
import { withProject, type GlobalOptions } from '../project.js';
import { renderTable } from '../table.js';

interface BackfillOptions {
  from: string;
  to: string;
  concurrency: string;
  dryRun?: boolean;
  rerun?: boolean;
  json?: boolean;
  param?: string[];
}

const action = (t: BackfillTick) => (t.status === 'pending' ? 'run' : t.status === 'active' ? `resume ${t.executionName}` : 'skip (succeeded before)');

/**
 * `adp backfill <type> --from --to [--param k=v]`: one `backfill` run per tick of the
 * curation's schedule in the range, each with its own scheduledTime.
 * Interrupt it at any time; the same command resumes (ticks that succeeded
 * are not run again unless --rerun).
 */
export function registerBackfill(program: Command, io: CliIo, globals: () => GlobalOptions, setExit: (code: number) => void): void {
  program
    .command('backfill')
    .description('run a curation once per scheduled tick in a past (or any) range')
    .argument('<curationType>')
    .requiredOption('--from <iso>', 'first instant of the range (inclusive)')
    .requiredOption('--to <iso>', 'last instant of the range (inclusive)')
    .option('--concurrency <n>', 'runs at once', '2')
    .option('--dry-run', 'list the ticks and what would happen to each, run nothing')
    .option('--rerun', 'run ticks again that already succeeded')
    .option('--json', 'print JSON')
    .option('--param <name=value>', "a value of one of the curation's parameters for every run (repeatable)", collectParam)
    .action(async (type: string, opts: BackfillOptions) => {
      const { checkCurationType, planBackfill, checkRunParameters, backfillStatus, MAX_BACKFILL_TICKS, runBackfill } = await import('../command-work.js');
      checkCurationType(type);
      const parameters = parseParams(opts.param);
      const from = parseInstant('--from', opts.from);
      const to = parseInstant('--to', opts.to);
      const concurrency = parseWholeNumber('--concurrency', opts.concurrency, 1, 64);
      await withProject(globals(), async (p) => {
        const stored = await p.state.getCuration(type);
        if (!stored) throw new NotFoundError('curation', type, 'see `adp curation list`');
        // As `adp run --param`: unknown names and values of another type are refused before anything runs (also with --dry-run).
        checkRunParameters(stored.definition, parameters);
        const ticks = planBackfill(stored.definition, { from, to, maxRuns: MAX_BACKFILL_TICKS });
        const plan = await backfillStatus(p.scheduling, stored, ticks, Boolean(opts.rerun));
        if (opts.dryRun) {
          if (opts.json) printJson(io, plan);
          else if (plan.length > 0) io.out(renderTable(['SCHEDULED TIME', 'ACTION'], plan.map((t) => [t.scheduledTime, action(t)])));
          io.err(`${plan.length} tick(s) of ${stored.definition.cronExpression} in range; ${plan.filter((t) => t.status !== 'succeeded').length} would run`);
          return;
        }
        const todo = plan.filter((t) => t.status !== 'succeeded');
        const resumed = todo.filter((t) => t.status === 'active').length;
        io.err(
          `backfill ${type}: ${todo.length} run(s) of ${plan.length} tick(s), ${concurrency} at a time` +
            `${resumed > 0 ? ` (${resumed} resumed from an interrupted backfill, once their lease lapses)` : ''}; interrupt at any time and run the same command to resume`,
        );
        const bar = progressBar(io, `backfill ${type}`);
        const deps = await p.deps();
        const records = await runBackfill(deps, p.scheduling, type, plan, {
          concurrency,
          leaseMs: p.config.leaseSeconds * 1000,
          checkMs: p.config.scheduler.pollMs,
          maxClaims: 3,
          parameters,
          onRecord: (r, done, total) => {
            if (io.interactive) bar.update(done, total);
            else io.err(`[${done}/${total}] ${r.scheduledTime} ${r.status} ${r.curationExecutionName}${r.error ? ` (${r.error})` : ''}`);
          },
        });
        bar.done();
        const failed = records.filter((r) => r.status !== 'succeeded');
        if (opts.json) printJson(io, records);
        else if (records.length > 0) {
          io.out(renderTable(['SCHEDULED TIME', 'STATUS', 'EXECUTION'], records.map((r) => [r.scheduledTime ?? '', r.status, r.curationExecutionName])));
        }
        io.err(`backfill ${type}: ${records.length - failed.length} succeeded, ${failed.length} not, ${plan.length - todo.length} skipped (succeeded before)`);
        setExit(failed.length === 0 ? EXIT_OK : EXIT_RUN_FAILED);
      });
    });
}
