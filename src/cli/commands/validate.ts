import fs from 'node:fs';
import type { Command } from 'commander';
import { parseCuration } from '../../domain/curation.js';
import { NotFoundError } from '../../domain/errors.js';
import { dryRun } from '../../engine/dry-run.js';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { printJson, type CliIo } from '../io.js';
import { withProject, type GlobalOptions } from '../project.js';
import { readJsonInput } from '../read-definition.js';

/** `adp validate <type|file>`: a dry run that checks everything a run would, and EXPLAINs the SQL. */
export function registerValidate(program: Command, io: CliIo, globals: () => GlobalOptions, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description('check a curation (registered, or a definition file) without running it')
    .argument('<curationTypeOrFile>', 'a registered curation, a JSON file, or - for standard input')
    .option('--plan', 'print the query plan')
    .option('--json', 'print JSON')
    .action(async (target: string, opts: { json?: boolean; plan?: boolean }) => {
      const fromFile = target === '-' || target.endsWith('.json') || fs.existsSync(target);
      const fileDefinition = fromFile ? parseCuration(await readJsonInput(target, io)) : undefined;
      await withProject(globals(), async (p) => {
        const definition = fileDefinition ?? (await p.state.getCuration(target))?.definition;
        if (!definition) throw new NotFoundError('curation', target, 'not registered, and no such file');
        const results = await dryRun({ ...p, queries: await p.queries() }, definition);
        const ok = results.every((r) => r.ok);
        if (opts.json) printJson(io, { curationType: definition.curationType, ok, checks: results });
        else {
          for (const r of results) {
            const detail = r.check === 'query' && r.ok ? (opts.plan ? `\n${r.detail}` : 'plan ok (--plan shows it)') : r.detail;
            io.out(`${r.ok ? 'ok  ' : 'FAIL'}  ${r.check.padEnd(10)} ${detail}`);
          }
        }
        setExit(ok ? EXIT_OK : EXIT_USAGE);
      });
    });
}
