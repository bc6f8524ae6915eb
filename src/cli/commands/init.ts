import type { Command } from 'commander';
import { GitScriptRepo } from '../../adapters/git/git-script-repo.js';
import { resolveHome } from '../../drivers/embedded/home.js';
import { initHome } from '../../drivers/embedded/init-home.js';
import { installWildrydes } from '../../drivers/embedded/install-wildrydes.js';
import { UsageError } from '../exit-codes.js';
import { parseWholeNumber } from '../parse-args.js';
import type { CliIo } from '../io.js';
import { withProject, type GlobalOptions } from '../project.js';
import { progressBar } from '../progress.js';

export const EXAMPLES = ['wildrydes'] as const;

/** `adp init [--example wildrydes]`: a project home, optionally with the sample curation. */
export function registerInit(program: Command, io: CliIo, globals: () => GlobalOptions): void {
  program
    .command('init')
    .description('create a project home (config, catalog, buckets, scripts repository, state)')
    .option('--example <name>', `also install an example (${EXAMPLES.join(', ')})`)
    .option('--rows <n>', 'rows of example data', '10000')
    .action(async (opts: { example?: string; rows: string }) => {
      if (opts.example !== undefined && !EXAMPLES.includes(opts.example as (typeof EXAMPLES)[number])) {
        throw new UsageError(`--example: unknown example '${opts.example}' (available: ${EXAMPLES.join(', ')})`);
      }
      const rows = parseWholeNumber('--rows', opts.rows, 1, 100_000_000);
      const home = resolveHome(globals().home);
      const { created } = await initHome(home, async (dir) => {
        await GitScriptRepo.init(dir);
      });
      io.err(created.length ? `initialised ${home.root} (${created.join(', ')})` : `${home.root} is already an adp project`);
      if (opts.example) {
        await withProject(globals(), async (p) => {
          const bar = progressBar(io, 'generating ride bookings');
          const { dataWritten } = await installWildrydes(p, { rows, onProgress: bar.update });
          bar.done();
          io.err(dataWritten ? `example wildrydes installed (${rows.toLocaleString('en-US')} bookings)` : 'example wildrydes already installed');
          io.err('next: adp run wildrydes-rydebooking --wait');
        });
      }
    });
}
