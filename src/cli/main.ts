import { Command, CommanderError } from 'commander';
import { registerBackfill } from './commands/backfill.js';
import { registerCatalog } from './commands/catalog.js';
import { registerConfig } from './commands/config.js';
import { registerCuration } from './commands/curation.js';
import { registerHistory } from './commands/history.js';
import { registerInit } from './commands/init.js';
import { registerMigrate } from './commands/migrate.js';
import { registerOutbox } from './commands/outbox.js';
import { registerRun } from './commands/run.js';
import { registerRuns } from './commands/runs.js';
import { registerSchedule } from './commands/schedule.js';
import { registerServe } from './commands/serve.js';
import { registerValidate } from './commands/validate.js';
import { EXIT_USAGE, reportError } from './exit-codes.js';
import { processIo, type CliIo } from './io.js';
import type { GlobalOptions } from './project.js';

/** Runs the `adp` command line with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const program = new Command('adp')
    .description('Scheduled SQL curations: a script in git, a schedule, a named output, a history of every run.')
    .option('--home <dir>', 'project home (default: $ADP_HOME, else the current directory)')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();
  const globals = () => program.opts<GlobalOptions>();

  registerInit(program, io, globals);
  registerMigrate(program, io, globals);
  registerCuration(program, io, globals);
  registerRun(program, io, globals, setExit);
  registerRuns(program, io, globals, setExit);
  registerHistory(program, io, globals);
  registerValidate(program, io, globals, setExit);
  registerCatalog(program, io, globals);
  registerSchedule(program, io, globals);
  registerBackfill(program, io, globals, setExit);
  registerServe(program, io, globals);
  registerOutbox(program, io, globals);
  registerConfig(program, io, globals, setExit);
  // Before anything builds a schema (zod decides then whether to compile a fast path for it): see zod-one-shot.ts.
  program.hook('preAction', async (_program, action) => {
    if (action.name() !== 'serve') await import('./zod-one-shot.js');
  });
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    return reportError(error, io.err);
  }
}
