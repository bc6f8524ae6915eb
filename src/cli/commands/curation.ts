import type { Command } from 'commander';
import type { StoredCuration } from '../../ports/state-store.js';
import { NotFoundError } from '../../domain/errors.js';
import { graphText } from '../dependency-graph-text.js';
import { describeRecord } from '../describe-record.js';
import { printJson, type CliIo } from '../io.js';
import { READ_ONLY, withProject, type GlobalOptions } from '../project.js';
import { readJsonInput } from '../read-definition.js';
import { renderTable } from '../table.js';

function shortTime(d: Date | undefined): string {
  return d ? d.toISOString().replace('T', ' ').slice(0, 19) : '-';
}

/** `adp curation put|list|show|rm`. */
export function registerCuration(program: Command, io: CliIo, globals: () => GlobalOptions): void {
  const curation = program.command('curation').description('register, list, show and remove curation definitions');

  curation
    .command('put')
    .description('add or replace a curation from a JSON file ("-" reads standard input)')
    .argument('<file>', 'definition file, or - for standard input')
    .action(async (file: string) => {
      const d = await import('../command-work.js');
      const definition = d.parseCuration(await readJsonInput(file, io));
      await withProject(globals(), async (p) => {
        const dependencyWarnings = await d.checkDependencies(p.state, definition);
        await d.assertScriptTemplates(p.scripts, definition);
        for (const issue of await d.checkEnvironment(p, definition)) io.err(`warning: ${issue.path}: ${issue.message}`);
        for (const issue of dependencyWarnings) io.err(`warning: ${issue.path}: ${issue.message}`);
        const stored = await p.state.putCuration(definition);
        io.err(`${stored.version === 1 ? 'added' : 'updated'} curation ${definition.curationType} (version ${stored.version})`);
      });
    });

  curation
    .command('list')
    .description('list curations with their schedule and last run')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const d = await import('../command-work.js');
      await withProject(globals(), async (p) => {
        const curations = await p.state.listCurations();
        const rows = await Promise.all(
          curations.map(async (c) => {
            const last = (await p.state.listHistory({ curationType: c.definition.curationType, limit: 1 })).records[0];
            return { ...c, last };
          }),
        );
        if (opts.json) {
          printJson(
            io,
            rows.map((r) => ({
              ...r.definition,
              version: r.version,
              updatedAt: r.updatedAt,
              nextFireTime: r.definition.enabled === false ? null : (d.nextFire(r)?.toISOString() ?? null),
              lastRun: r.last ?? null,
            })),
          );
          return;
        }
        if (rows.length === 0) {
          io.err('no curations yet: add one with `adp curation put FILE`');
          return;
        }
        io.out(
          renderTable(
            ['CURATION', 'SCHEDULE', 'NEXT FIRE (UTC)', 'LAST RUN', 'LAST STATUS'],
            rows.map((r) => [
              r.definition.curationType,
              r.definition.cronExpression,
              r.definition.enabled === false ? 'paused' : shortTime(d.nextFire(r)),
              r.last ? shortTime(new Date(r.last.timestamp)) : '-',
              r.last?.status ?? '-',
            ]),
          ),
        );
      }, READ_ONLY);
    });

  curation
    .command('show')
    .description('show a definition, its last run and its published output')
    .argument('<curationType>')
    .option('--json', 'print JSON')
    .action(async (type: string, opts: { json?: boolean }) => {
      await withProject(globals(), async (p) => {
        const stored = await p.state.getCuration(type);
        if (!stored) throw new NotFoundError('curation', type, 'see `adp curation list`');
        const last = (await p.state.listHistory({ curationType: type, limit: 1 })).records[0];
        if (opts.json) {
          printJson(io, { definition: stored.definition, version: stored.version, createdAt: stored.createdAt, updatedAt: stored.updatedAt, lastRun: last ?? null });
          return;
        }
        io.out(JSON.stringify(stored.definition, null, 2));
        io.out(`version ${stored.version}, updated ${stored.updatedAt}`);
        io.out(last ? `\nlast run:\n${describeRecord(last)}` : '\nnever run');
      }, READ_ONLY);
    });

  curation
    .command('graph')
    .description('print the dependency graph (dependsOn): each curation after its upstreams')
    .option('--json', 'print JSON: nodes (curationType, dependsOn, missing, downstream, depth) and edges')
    .action(async (opts: { json?: boolean }) => {
      const d = await import('../command-work.js');
      await withProject(globals(), async (p) => {
        const graph = d.dependencyGraph((await p.state.listCurations()).map((c) => c.definition));
        if (opts.json) printJson(io, graph);
        else io.out(graphText(graph));
      }, READ_ONLY);
    });

  curation
    .command('rm')
    .description('remove a curation (its history stays)')
    .argument('<curationType>')
    .action(async (type: string) => {
      await withProject(globals(), async (p) => {
        if (!(await p.state.deleteCuration(type))) throw new NotFoundError('curation', type, 'see `adp curation list`');
        io.err(`removed curation ${type}`);
      });
    });

  for (const [verb, enabled] of [['pause', false], ['resume', true]] as const) {
    curation
      .command(verb)
      .description(enabled ? 'resume the schedule of a paused curation' : 'pause the schedule of a curation (it still runs when started by hand)')
      .argument('<curationType>')
      .action(async (type: string) => {
        await withProject(globals(), async (p) => {
          const { setCurationEnabled } = await import('../command-work.js');
          const before = await p.state.getCuration(type);
          await setCurationEnabled(p.state, type, enabled);
          const already = before && (before.definition.enabled ?? true) === enabled;
          io.err(`${type}: ${already ? 'already ' : ''}${enabled ? 'resumed' : 'paused'}`);
        });
      });
  }
}
