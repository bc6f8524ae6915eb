import fs from 'node:fs/promises';
import type { Command } from 'commander';
import type { checkReferences } from '../../drivers/common/check-references.js';
import { resolveHome } from '../../drivers/common/home.js';
import { EnvironmentError } from '../../domain/errors.js';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { printJson, type CliIo } from '../io.js';
import type { GlobalOptions } from '../project.js';

/** One thing `adp config check` found wrong: the field, and why. */
interface Problem {
  readonly field: string;
  readonly message: string;
}

/**
 * `adp config check`: validates `adp.config.json` and reads every secret
 * reference in it as a delivery would, printing what each names but never a
 * value. Exit 0 when all is well, 2 naming each problem. Reads neither the
 * state nor the network, so it answers before the first `adp serve`.
 */
export function registerConfig(program: Command, io: CliIo, globals: () => GlobalOptions, setExit: (code: number) => void): void {
  const config = program.command('config').description('check adp.config.json');
  config
    .command('check')
    .description('validate adp.config.json and resolve every secret reference ({"env"}, {"file"}) without printing a value')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const home = resolveHome(globals().home);
      const text = await readConfig(home.config);
      const problems: Problem[] = [];
      let references: Awaited<ReturnType<typeof checkReferences>> = [];
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        problems.push({ field: '', message: `not valid JSON (${(e as Error).message})` });
      }
      if (problems.length === 0) {
        // The schemas and the secret resolvers load for this command only: `adp --help` and the others stay quick to start.
        const { configSchema, toFieldIssues, checkReferences } = await import('../command-work.js');
        const parsed = configSchema.safeParse(json);
        if (!parsed.success) problems.push(...toFieldIssues(parsed.error).map((i) => ({ field: i.path, message: i.message })));
        else {
          references = await checkReferences(parsed.data, { home: home.root });
          for (const c of references) {
            if (c.problem) problems.push({ field: `${c.at}.${c.problem.field}`, message: `${c.problem.message} (${c.type} destination '${c.id}')` });
          }
        }
      }
      const ok = problems.length === 0;
      if (opts.json) {
        printJson(io, {
          file: home.config,
          ok,
          problems,
          references: references.flatMap((c) => c.references.map((r) => ({ at: c.at, destination: c.id, type: c.type, field: r.field, names: r.names, ok: c.problem?.field !== r.field }))),
        });
      } else {
        for (const p of problems) io.err(`${home.config}: ${p.field ? `${p.field}: ` : ''}${p.message}`);
        const count = references.reduce((n, c) => n + c.references.length, 0);
        if (ok) io.out(`${home.config}: ok (${count} secret reference${count === 1 ? '' : 's'} resolved, values not shown)`);
        else io.err(`adp: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${home.config}`);
      }
      setExit(ok ? EXIT_OK : EXIT_USAGE);
    });
}

async function readConfig(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new EnvironmentError(`no adp project at ${file.replace(/\/adp\.config\.json$/, '')}: run \`adp init\` there, or pass --home DIR`, { cause: e });
    throw new EnvironmentError(`cannot read ${file} (${code ?? 'error'}): check that this user may read it`, { cause: e });
  }
}
