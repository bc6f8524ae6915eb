import type { Command } from 'commander';
import { assertHomeIsFolder, resolveHome } from '../../drivers/common/home.js';
import type { InitScripts, InitState } from '../../drivers/common/init-home.js';
import type { awsPrefixSchema } from '../../domain/config.js';
import { DRIVER_NAMES, type DriverName } from '../../drivers/project.js';
import { UsageError } from '../exit-codes.js';
import { parseWholeNumber } from '../parse-args.js';
import type { CliIo } from '../io.js';
import { withProject, type GlobalOptions } from '../project.js';
import { progressBar } from '../progress.js';

export const EXAMPLES = ['wildrydes'] as const;

interface InitOptions {
  example?: string;
  rows: string;
  driver?: string;
  databaseUrl?: string;
  prefix?: string;
  region?: string;
  scripts?: string;
}

/**
 * `adp init [--driver embedded|postgres|aws] [--database-url URL] [--prefix P --region R] [--scripts SRC] [--example wildrydes]`:
 * a project home, its state (SQLite file, PostgreSQL schema or DynamoDB
 * tables, created when missing), optionally with the sample curation.
 */
export function registerInit(program: Command, io: CliIo, globals: () => GlobalOptions): void {
  program
    .command('init')
    .description('create a project home (config, catalog, buckets, scripts repository, state)')
    .option('--driver <name>', `where state lives (${DRIVER_NAMES.join(', ')})`)
    .option('--database-url <url>', 'PostgreSQL URL for --driver postgres (default: $ADP_DATABASE_URL)')
    .option('--prefix <prefix>', "the sample's environment prefix for --driver aws (e.g. wildrydes-dev-)")
    .option('--region <region>', 'AWS region for --driver aws (default: the SDK chain, AWS_REGION)')
    .option('--scripts <source>', 'where SQL scripts live: codecommit:<repository> or an https:// git URL (default: the home\'s scripts/ git folder)')
    .option('--example <name>', `also install an example (${EXAMPLES.join(', ')})`)
    .option('--rows <n>', 'rows of example data', '10000')
    .action(async (opts: InitOptions) => {
      if (opts.example !== undefined && !EXAMPLES.includes(opts.example as (typeof EXAMPLES)[number])) {
        throw new UsageError(`--example: unknown example '${opts.example}' (available: ${EXAMPLES.join(', ')})`);
      }
      const rows = parseWholeNumber('--rows', opts.rows, 1, 100_000_000);
      const { initHome, loadConfig, installWildrydes, awsPrefixSchema } = await import('../command-work.js');
      const state = initState(opts, io, awsPrefixSchema);
      const home = resolveHome(globals().home);
      assertHomeIsFolder(home);
      const { created } = await initHome(home, state);
      const config = await loadConfig(home.config);
      if (opts.driver !== undefined && config.driver !== state.driver) {
        throw new UsageError(`--driver: ${home.root} is already an adp project with driver "${config.driver}"; edit its adp.config.json to change it`);
      }
      // Opening with migrate creates state.db or the PostgreSQL schema, and proves the database answers.
      await withProject(
        globals(),
        async (p) => {
          io.err(created.length ? `initialised ${home.root} (${created.join(', ')}; state: ${p.describe})` : `${home.root} is already an adp project (state: ${p.describe})`);
          if (!opts.example) return;
          const bar = progressBar(io, 'generating ride bookings');
          const { dataWritten } = await installWildrydes(p, { rows, onProgress: bar.update });
          bar.done();
          io.err(dataWritten ? `example wildrydes installed (${rows.toLocaleString('en-US')} bookings)` : 'example wildrydes already installed');
          io.err('next: adp run wildrydes-rydebooking --wait');
        },
        // The URL given here is the one to migrate, whatever ADP_DATABASE_URL says; it may carry the password the file does not.
        { migrate: true, env: opts.databaseUrl ? { ...process.env, ADP_DATABASE_URL: opts.databaseUrl } : process.env },
      );
    });
}

/** The driver and URL for a new config; a password in the URL is not written to the file. */
function initState(opts: InitOptions, io: CliIo, prefixSchema: typeof awsPrefixSchema): InitState {
  const driver = (opts.driver ?? (opts.databaseUrl ? 'postgres' : opts.prefix ? 'aws' : 'embedded')) as DriverName;
  if (!DRIVER_NAMES.includes(driver)) throw new UsageError(`--driver: unknown driver '${opts.driver}' (available: ${DRIVER_NAMES.join(', ')})`);
  const scripts = scriptsSource(opts.scripts);
  if (driver !== 'postgres' && opts.databaseUrl) throw new UsageError('--database-url: only --driver postgres uses a database URL');
  if (driver !== 'aws' && (opts.prefix || opts.region)) throw new UsageError(`${opts.prefix ? '--prefix' : '--region'}: only --driver aws uses it`);
  if (driver === 'embedded') return { driver, ...(scripts ? { scripts } : {}) };
  if (driver === 'aws') return { driver, aws: awsInit(opts, prefixSchema), ...(scripts ? { scripts } : {}) };
  if (!opts.databaseUrl) return { driver, ...(scripts ? { scripts } : {}) };
  let url: URL;
  try {
    url = new URL(opts.databaseUrl);
  } catch {
    throw new UsageError(`--database-url: not a URL (expected postgres://user@host:5432/db)`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new UsageError(`--database-url: must start with postgres:// (got ${url.protocol}//)`);
  if (url.password) {
    url.password = '';
    io.err('adp init: the password is not written to adp.config.json: give it as ADP_DATABASE_URL, PGPASSWORD or in ~/.pgpass');
  }
  return { driver, url: url.href, ...(scripts ? { scripts } : {}) };
}

function awsInit(opts: InitOptions, prefixSchema: typeof awsPrefixSchema): { prefix: string; region?: string } {
  if (!opts.prefix) throw new UsageError('--prefix: --driver aws needs the environment prefix of its tables (e.g. --prefix wildrydes-dev-)');
  const prefix = prefixSchema.safeParse(opts.prefix);
  if (!prefix.success) throw new UsageError(`--prefix: '${opts.prefix}' ${prefix.error.issues[0]!.message}`);
  if (opts.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(opts.region)) throw new UsageError(`--region: '${opts.region}' is not an AWS region (e.g. eu-west-1)`);
  return { prefix: prefix.data, ...(opts.region ? { region: opts.region } : {}) };
}

/** `codecommit:<repository>` or an https:// clone URL. */
function scriptsSource(source: string | undefined): InitScripts | undefined {
  if (source === undefined) return undefined;
  const codecommit = /^codecommit:([A-Za-z0-9_.-]{1,100})$/.exec(source);
  if (codecommit) return { codecommit: codecommit[1]! };
  if (/^https:\/\/\S+$/.test(source)) {
    const url = new URL(source);
    if (url.password || url.username) throw new UsageError('--scripts: keep credentials out of the URL (they would be written to adp.config.json): set ADP_GIT_TOKEN');
    return { url: source };
  }
  throw new UsageError(`--scripts: expected codecommit:<repository> or an https:// git URL (got '${source}')`);
}
