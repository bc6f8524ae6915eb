import type { Command } from 'commander';
import { printJson, type CliIo } from '../io.js';
import { READ_ONLY, withProject, type GlobalOptions } from '../project.js';
import { renderTable } from '../table.js';

/** The arguments of `catalog add`, checked with zod (loaded when the command runs, not for `adp --help`). */
async function addArgs() {
  const { catalogAddArgs, catalogAddNames, parseOrThrow } = await import('../command-work.js');
  return { args: catalogAddArgs, names: catalogAddNames, parseOrThrow };
}

/** `adp catalog list|add`: the tables queries may read. */
export function registerCatalog(program: Command, io: CliIo, globals: () => GlobalOptions): void {
  const catalog = program.command('catalog').description('list or add catalog tables');

  const list = async (opts: { json?: boolean }) => {
    await withProject(globals(), async (p) => {
      const tables = await p.catalog.listTables();
      if (opts.json) return printJson(io, tables);
      if (tables.length === 0) return io.err('no tables yet: add one with `adp catalog add DB.TABLE --location BUCKET/PREFIX --format json`');
      io.out(
        renderTable(
          ['TABLE', 'FORMAT', 'HIVE', 'LOCATION'],
          tables.map((t) => [`${t.database}.${t.name}`, t.format, t.hivePartitioning ? 'yes' : 'no', p.objects.uri(t.location.bucket, t.location.prefix || '.').replace(/\/\.$/, '/')]),
        ),
      );
    }, READ_ONLY);
  };
  catalog.command('list', { isDefault: true }).description('list tables').option('--json', 'print JSON').action(list);

  catalog
    .command('add')
    .description('add or replace a table')
    .argument('<table>', 'DATABASE.TABLE')
    .requiredOption('--location <bucket/prefix>', 'where the files are, inside the buckets folder')
    .requiredOption('--format <format>', 'json, csv or parquet')
    .option('--hive', 'folders named key=value are partition columns')
    .action(async (table: string, opts: { location: string; format: string; hive?: boolean }) => {
      const { args: argsSchema, names, parseOrThrow } = await addArgs();
      const args = parseOrThrow(argsSchema, { table, location: opts.location, format: opts.format }, 'arguments');
      const [database, name] = args.table.split('.') as [string, string];
      const slash = args.location.indexOf('/');
      const bucket = slash < 0 ? args.location : args.location.slice(0, slash);
      const prefix = slash < 0 ? '' : args.location.slice(slash + 1).replace(/\/+$/, '');
      parseOrThrow(names, { database, table: name, bucket }, 'arguments');
      await withProject(globals(), async (p) => {
        await p.catalog.putTable({ database, name, location: { bucket, prefix }, format: args.format, hivePartitioning: Boolean(opts.hive) });
        io.err(`added table ${database}.${name}`);
      });
    });
}
