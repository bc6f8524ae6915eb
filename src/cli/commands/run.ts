import type { Command } from 'commander';
import { createRun } from '../../engine/create-run.js';
import { executeRun } from '../../engine/run-workflow.js';
import { describeRecord } from '../describe-record.js';
import { EXIT_OK, EXIT_RUN_FAILED } from '../exit-codes.js';
import { printJson, type CliIo } from '../io.js';
import { withProject, type GlobalOptions } from '../project.js';

/** `adp run <type>`: with --wait, executes the run here and prints its history record. */
export function registerRun(program: Command, io: CliIo, globals: () => GlobalOptions, setExit: (code: number) => void): void {
  program
    .command('run')
    .description('start a run of a curation now')
    .argument('<curationType>')
    .option('--wait', 'execute the run in this process and wait for its result')
    .option('--json', 'print the history record as JSON (with --wait)')
    .action(async (type: string, opts: { wait?: boolean; json?: boolean }) => {
      await withProject(globals(), async (p) => {
        if (!opts.wait) {
          const run = await createRun(p, { curationType: type, trigger: 'manual' });
          if (opts.json) printJson(io, { curationExecutionName: run.executionName, status: run.status });
          else io.out(run.executionName);
          io.err(`queued ${run.executionName}: \`adp serve\` executes queued runs (or use --wait to run it here)`);
          return;
        }
        const deps = await p.deps((e) => io.err(`${e.curationType}: ${e.message}`));
        const run = await createRun(deps, { curationType: type, trigger: 'manual' });
        io.err(`${type}: started ${run.executionName}`);
        const record = await executeRun(deps, run.executionName);
        if (opts.json) printJson(io, record);
        else io.out(describeRecord(record));
        setExit(record.status === 'succeeded' ? EXIT_OK : EXIT_RUN_FAILED);
      });
    });
}
