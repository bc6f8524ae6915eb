import type { Command } from 'commander';
import { RUN_STATUSES, type TerminalStatus } from '../../domain/history.js';
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
    .option('--status <status>', `only runs with this status (${RUN_STATUSES.join('|')})`)
    .option('--verbose', 'show every field of each record')
    .option('--json', 'print JSON')
    .action(async (type: string | undefined, opts: { limit: string; status?: string; verbose?: boolean; json?: boolean }) => {
      const limit = parseWholeNumber('--limit', opts.limit, 1, 10_000);
      if (opts.status && !RUN_STATUSES.includes(opts.status as TerminalStatus)) {
        throw new UsageError(`--status: must be one of ${RUN_STATUSES.join(', ')}, got '${opts.status}'`);
      }
      await withProject(globals(), async (p) => {
        const page = await p.state.listHistory({ curationType: type, status: opts.status as TerminalStatus | undefined, limit });
        if (opts.json) return printJson(io, page.records);
        if (page.records.length === 0) return io.err(type ? `no runs of ${type} yet` : 'no runs yet');
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
