import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { withProject, type GlobalOptions } from '../project.js';

/** `adp migrate`: brings the state (SQLite file or PostgreSQL schema) to this adp's schema version. */
export function registerMigrate(program: Command, io: CliIo, globals: () => GlobalOptions): void {
  program
    .command('migrate')
    .description("apply pending state schema migrations (every worker of a team's database runs the same adp version)")
    .action(async () => {
      await withProject(globals(), async (p) => io.err(`state is up to date (${p.describe})`), { migrate: true });
    });
}
