import type { Command } from 'commander';
import { OUTBOX_STATES, publicOutboxEntry, type OutboxEntry, type OutboxState } from '../../domain/notify/outbox.js';
import { UsageError } from '../exit-codes.js';
import { printJson, type CliIo } from '../io.js';
import { READ_ONLY, withProject, type GlobalOptions } from '../project.js';
import { renderTable } from '../table.js';
import { parseWholeNumber } from '../parse-args.js';

/** `adp outbox list|retry`: what is waiting to be delivered, what gave up, and a second chance for it. */
export function registerOutbox(program: Command, io: CliIo, globals: () => GlobalOptions): void {
  const outbox = program.command('outbox').description('list and retry deliveries to notifiers and history sinks');

  outbox
    .command('list')
    .description('list outbox entries, newest first (default: pending and dead)')
    .option('--state <state>', `only entries in this state (${OUTBOX_STATES.join('|')})`)
    .option('--curation <curationType>', 'only entries about this curation')
    .option('--run <executionName>', 'only entries about this run')
    .option('--limit <n>', 'how many entries', '50')
    .option('--json', 'print JSON (destination secrets left out)')
    .action(async (opts: { state?: string; curation?: string; run?: string; limit: string; json?: boolean }) => {
      const limit = parseWholeNumber('--limit', opts.limit, 1, 10_000);
      if (opts.state !== undefined && !OUTBOX_STATES.includes(opts.state as OutboxState)) {
        throw new UsageError(`--state: must be one of ${OUTBOX_STATES.join(', ')}, got '${opts.state}'`);
      }
      await withProject(globals(), async (p) => {
        const states: (OutboxState | undefined)[] = opts.state ? [opts.state as OutboxState] : ['dead', 'pending'];
        const entries: OutboxEntry[] = [];
        for (const state of states) {
          const page = await p.state.listOutbox({ state, curationType: opts.curation, executionName: opts.run, limit });
          entries.push(...page.entries);
        }
        entries.sort((a, b) => b.seq - a.seq).splice(limit);
        const counts = await p.state.countOutbox();
        if (opts.json) return printJson(io, { counts, entries: entries.map(publicOutboxEntry) });
        io.err(`outbox: ${counts.pending} pending, ${counts.dead} dead, ${counts.delivered} delivered (kept for ${p.config.outbox.retainDeliveredDays} days)`);
        if (entries.length === 0) return;
        io.out(
          renderTable(
            ['ID', 'STATE', 'EVENT', 'CURATION', 'DESTINATION', 'ATTEMPTS', 'NEXT ATTEMPT', 'LAST ERROR'],
            entries.map((e) => [
              e.id,
              e.state,
              e.event,
              e.curationType,
              e.destination.id,
              String(e.attempts),
              e.state === 'pending' ? e.nextAttemptAt : '',
              (e.lastError ?? '').slice(0, 80),
            ]),
          ),
        );
      }, READ_ONLY);
    });

  outbox
    .command('retry')
    .description('deliver dead-lettered entries again (by id, or --all)')
    .argument('[ids...]', 'entry ids from `adp outbox list`')
    .option('--all', 'every dead entry')
    .action(async (ids: string[], opts: { all?: boolean }) => {
      if (ids.length === 0 && !opts.all) throw new UsageError('name the entries to retry, or pass --all');
      if (ids.length > 0 && opts.all) throw new UsageError('pass either entry ids or --all, not both');
      await withProject(globals(), async (p) => {
        const n = await p.state.retryDeadLetters(p.clock.now(), opts.all ? undefined : ids);
        if (ids.length > 0 && n < ids.length) io.err(`${ids.length - n} of the given ids are not dead entries (see \`adp outbox list --state dead\`)`);
        io.err(`${n} entr${n === 1 ? 'y' : 'ies'} queued for delivery again: \`adp serve\` delivers them`);
      });
    });
}
