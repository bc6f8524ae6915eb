import type { Command } from 'commander';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import { isValidTimezone, nextFireTimes, parseScheduleExpression } from '../../domain/schedule/index.js';
import { curationSchedule } from '../../scheduler/curation-schedule.js';
import { UsageError } from '../exit-codes.js';
import { parseInstant, parseWholeNumber } from '../parse-args.js';
import { printJson, type CliIo } from '../io.js';
import { READ_ONLY, withProject, type GlobalOptions } from '../project.js';

/** `adp schedule next <type|expression>`: when a curation or an expression fires next. */
export function registerSchedule(program: Command, io: CliIo, globals: () => GlobalOptions): void {
  const schedule = program.command('schedule').description('inspect schedules');
  schedule
    .command('next')
    .description('print the next fire times of a curation or of a cron()/rate() expression')
    .argument('<curationTypeOrExpression>')
    .option('--tz <zone>', 'IANA time zone for cron expressions (default: UTC)')
    .option('--from <iso>', 'start after this instant (default: now)')
    .option('--count <n>', 'how many fire times', '5')
    .option('--json', 'print a JSON array of ISO-8601 UTC strings')
    .action(async (target: string, opts: { tz?: string; from?: string; count: string; json?: boolean }) => {
      const count = parseWholeNumber('--count', opts.count, 1, 1000);
      const after = opts.from ? parseInstant('--from', opts.from) : new Date();
      if (opts.tz && !isValidTimezone(opts.tz)) throw new UsageError(`--tz: '${opts.tz}' is not an IANA time zone (e.g. Europe/London)`);
      let source = target;
      // A curation fires in its own time zone, from its start date (rate() counts from it, else from its creation).
      let own: { timezone: string; anchor: Date; notBefore: number } | undefined;
      if (!/^(cron|rate)\(/.test(target.trim())) {
        const stored = await withProject(globals(), (p) => p.state.getCuration(target), READ_ONLY);
        if (!stored) throw new NotFoundError('curation', target, 'give a registered curation or a cron(...)/rate(...) expression');
        source = stored.definition.cronExpression;
        const s = curationSchedule(stored);
        own = { timezone: s.policy.timezone, anchor: new Date(s.anchorMs), notBefore: s.notBeforeMs };
      }
      let expression;
      try {
        expression = parseScheduleExpression(source);
      } catch (e) {
        throw new ValidationError([{ path: 'expression', message: (e as Error).message }]);
      }
      const timezone = opts.tz ?? own?.timezone ?? 'UTC';
      const from = own ? new Date(Math.max(after.getTime(), own.notBefore)) : after;
      const fires = nextFireTimes(expression, { after: from, count, timezone, anchor: own?.anchor });
      if (opts.json) return printJson(io, fires.map((d) => d.toISOString()));
      const local = new Intl.DateTimeFormat('sv-SE', { timeZone: timezone, dateStyle: 'short', timeStyle: 'medium' });
      for (const d of fires) io.out(`${d.toISOString()}${timezone === 'UTC' ? '' : `  (${local.format(d)} ${timezone})`}`);
      if (fires.length < count) io.err(`only ${fires.length} fire time(s): the expression ends (years stop at 2199)`);
    });
}
