import fs from 'node:fs';
import type { Command } from 'commander';
import { NotFoundError } from '../../domain/errors.js';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { printJson, type CliIo } from '../io.js';
import { collectParam, parseParams } from '../parse-args.js';
import { withProject, type GlobalOptions } from '../project.js';
import { readJsonInput } from '../read-definition.js';

/**
 * `adp validate <type|file> [--render] [--param k=v]`: a dry run that checks
 * everything a run would (templates and parameters included), EXPLAINs the
 * rendered SQL and, with --render, prints it and the bytes it would scan.
 */
export function registerValidate(program: Command, io: CliIo, globals: () => GlobalOptions, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description('check a curation (registered, or a definition file) without running it')
    .argument('<curationTypeOrFile>', 'a registered curation, a JSON file, or - for standard input')
    .option('--plan', 'print the query plan')
    .option('--render', 'print the SQL with its templates rendered, the plan, and the bytes the query would scan')
    .option('--param <name=value>', 'a parameter value, as `adp run --param` (repeatable)', collectParam)
    .option('--json', 'print JSON')
    .action(async (target: string, opts: { json?: boolean; plan?: boolean; render?: boolean; param?: string[] }) => {
      const parameters = parseParams(opts.param);
      const { parseCuration, dryRun } = await import('../command-work.js');
      const fromFile = target === '-' || target.endsWith('.json') || fs.existsSync(target);
      const fileDefinition = fromFile ? parseCuration(await readJsonInput(target, io)) : undefined;
      await withProject(globals(), async (p) => {
        const stored = fileDefinition ? undefined : await p.state.getCuration(target);
        const definition = fileDefinition ?? stored?.definition;
        if (!definition) throw new NotFoundError('curation', target, 'not registered, and no such file');
        const report = await dryRun({ ...p, queries: await p.queries() }, definition, { parameters, render: opts.render, createdAt: stored?.createdAt });
        const ok = report.checks.every((r) => r.ok);
        if (opts.json) {
          printJson(io, { curationType: definition.curationType, ok, checks: report.checks, renderedSql: report.renderedSql, sqlSha256: report.sqlSha256, renderedOutput: report.renderedOutput, scanBytes: report.scanBytes });
        } else {
          const showPlan = opts.plan || opts.render;
          for (const r of report.checks) {
            const detail = r.check === 'query' && r.ok ? (showPlan ? `\n${r.detail}` : 'plan ok (--plan shows it)') : r.detail;
            io.out(`${r.ok ? 'ok  ' : 'FAIL'}  ${r.check.padEnd(10)} ${detail}`);
          }
          if (opts.render && report.renderedSql !== undefined) {
            const out = report.renderedOutput;
            if (out?.outputFolderPath !== undefined) io.out(`\noutputFolderPath: ${out.outputFolderPath}`);
            if (out?.filename !== undefined) io.out(`filename: ${out.filename}`);
            io.out(`\n-- rendered SQL (sha256 ${report.sqlSha256})\n${report.renderedSql}`);
          }
        }
        setExit(ok ? EXIT_OK : EXIT_USAGE);
      });
    });
}
