import type { Command } from 'commander';
import { RUN_STATUSES, splitStatuses, type TerminalStatus } from '../../domain/history.js';
import { describeRecord } from '../describe-record.js';
import { UsageError } from '../exit-codes.js';
import { parseWholeNumber } from '../parse-args.js';
import { printJson, type CliIo } from '../io.js';
import { READ_ONLY, withProject, type GlobalOptions } from '../project.js';
import { formatCount, formatDuration, renderTable } from '../table.js';

/** `adp history [type]`: newest first. */
export function registerHistory(program: Command, io: CliIo, globals: () => GlobalOptions): void {
  program
    .command('history')
    .description('list finished runs, newest first')
    .argument('[curationType]', 'only this curation')
    .option('--limit <n>', 'how many records', '20')
    .option('--status <statuses>', `only runs with these statuses, comma-separated (${RUN_STATUSES.join('|')})`)
    .option('--search <text>', "only runs whose curation or execution name holds this (ASCII letters in either case)")
    .option('--verbose', 'show every field of each record')
    .option('--json', 'print JSON')
    .action(async (type: string | undefined, opts: { limit: string; status?: string; search?: string; verbose?: boolean; json?: boolean }) => {
      const limit = parseWholeNumber('--limit', opts.limit, 1, 10_000);
      const statuses = opts.status === undefined ? undefined : parseStatuses(opts.status);
      if (opts.search !== undefined && opts.search.trim() === '') throw new UsageError('--search: must not be empty');
      await withProject(globals(), async (p) => {
        const page = await p.state.listHistory({ curationType: type, statuses, search: opts.search?.trim(), limit });
        if (opts.json) return printJson(io, page.records);
        if (page.records.length === 0) {
          if (statuses || opts.search) return io.err(type ? `no runs of ${type} match --status/--search` : 'no runs match --status/--search');
          return io.err(type ? `no runs of ${type} yet` : 'no runs yet');
        }
        if (opts.verbose) return io.out(page.records.map(describeRecord).join('\n\n'));
        io.out(
          renderTable(
            ['ENDED (UTC)', 'CURATION', 'STATUS', 'ROWS', 'DURATION', 'EXECUTION', 'ERROR'],
            page.records.map((r) => [
              new Date(r.timestamp).toISOString().replace('T', ' ').slice(0, 19),
              r.curationType,
              r.status,
              r.rowCount === undefined ? '' : formatCount(r.rowCount),
              formatDuration(r.durationMs),
              r.curationExecutionName,
              r.error ?? '',
            ]),
          ),
        );
      }, READ_ONLY);
    });
}

function parseStatuses(text: string): TerminalStatus[] {
  const { statuses, unknown } = splitStatuses(text);
  if (statuses.length === 0 || unknown.length > 0) {
    throw new UsageError(`--status: must be one or more of ${RUN_STATUSES.join(', ')} (comma-separated), got '${text}'`);
  }
  return statuses;
}
