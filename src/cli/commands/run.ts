import type { Command } from 'commander';
import { EXIT_OK, EXIT_RUN_FAILED } from '../exit-codes.js';
import { printJson, type CliIo } from '../io.js';
import { withProject, type GlobalOptions } from '../project.js';
import { collectParam, parseParams } from '../parse-args.js';

/**
 * `adp run <type>`: queues a run of a registered curation; with --wait, executes it here and prints its history record.
 * The curation's overlap policy decides about runs of it still active: skip refuses (exit 3), queue waits, cancelRunning cancels them.
 */
export function registerRun(program: Command, io: CliIo, globals: () => GlobalOptions, setExit: (code: number) => void): void {
  program
    .command('run')
    .description('start a run of a curation now')
    .argument('<curationType>')
    .option('--wait', 'execute the run in this process and wait for its result')
    .option('--json', 'print the history record as JSON (with --wait)')
    .option('--downstream', 'once it succeeded, run the curations that depend on it (dependsOn), and theirs, in order')
    .option('--param <name=value>', 'a value of one of the curation\'s parameters (repeatable)', collectParam)
    .action(async (type: string, opts: { wait?: boolean; json?: boolean; downstream?: boolean; param?: string[] }) => {
      const parameters = parseParams(opts.param);
      const { checkCurationType, createRun, liveWorkers, waitForRun, describeRecord, sayOverlap } = await import('../command-work.js');
      // Unknown curations are refused too (by createRun), before anything is queued.
      checkCurationType(type);
      await withProject(globals(), async (p) => {
        if (!opts.wait) {
          const run = await createRun({ ...p, queue: p.scheduling }, { curationType: type, trigger: 'manual', downstream: opts.downstream, parameters });
          if (opts.json) printJson(io, { curationExecutionName: run.executionName, status: run.status });
          else io.out(run.executionName);
          sayOverlap(io, run);
          const servers = await liveWorkers(p.scheduling, p.clock, p.config.leaseSeconds * 1000);
          if (servers.length > 0) io.err(`queued ${run.executionName}: \`adp serve\` (${servers[0]!.url ?? servers[0]!.workerId}) will execute it`);
          else io.err(`queued ${run.executionName}, but no \`adp serve\` is running for this home: start one to execute it (or use --wait to run it here)`);
          return;
        }
        const deps = await p.deps((e) => io.err(`${e.curationType}: ${e.message}`));
        const run = await createRun({ ...deps, queue: p.scheduling }, { curationType: type, trigger: 'manual', downstream: opts.downstream, parameters });
        io.err(`${type}: started ${run.executionName}`);
        sayOverlap(io, run);
        const record = await waitForRun(p, deps, io, run, { downstream: opts.downstream });
        if (opts.json) printJson(io, record);
        else io.out(describeRecord(record));
        setExit(record.status === 'succeeded' ? EXIT_OK : EXIT_RUN_FAILED);
      }, { runsQueries: Boolean(opts.wait) });
    });
}
