import type { Command } from 'commander';
import { assertHomeIsFolder, resolveHome } from '../../drivers/common/home.js';
import { parseWholeNumber } from '../parse-args.js';
import type { CliIo } from '../io.js';
import type { GlobalOptions } from '../project.js';
import { EnvironmentError } from '../../domain/errors.js';

/**
 * `adp serve`: the scheduler, the run workers and the HTTP server in one
 * process, until SIGTERM or SIGINT. Then it stops claiming, lets running runs
 * finish within `scheduler.shutdownGraceSeconds`, and exits 0.
 */
export function registerServe(program: Command, io: CliIo, globals: () => GlobalOptions): void {
  program
    .command('serve')
    .description('run the scheduler, the run workers and the HTTP server until stopped (SIGTERM/SIGINT)')
    .option('--port <n>', 'HTTP port (0: any free port)', '8080')
    .option('--host <host>', 'HTTP address to listen on', '127.0.0.1')
    .action(async (opts: { port: string; host: string }) => {
      const port = parseWholeNumber('--port', opts.port, 0, 65535);
      // The HTTP stack loads only for this command, keeping every other command quick to start.
      const { startServe } = await import('../start-serve.js');
      const { openProject, checkReferences, referenceProblemLine, perWorker } = await import('../command-work.js');
      const home = resolveHome(globals().home);
      assertHomeIsFolder(home);
      const project = await openProject(home);
      let serve;
      try {
        serve = await startServe(project, { host: opts.host, port, log: (l) => io.out(l), logError: (l) => io.err(l) });
      } catch (e) {
        await project.close();
        throw listenFailure(e, opts.host, port) ?? e;
      }
      const { config } = project;
      io.out(`adp serve: listening on ${serve.url} (home ${project.home.root}, state ${project.describe}, worker ${serve.workerId}, up to ${perWorker(config)} runs at once here, ${config.maxConcurrentRuns} over all workers)`);
      // A token the operator supplied (ADP_API_TOKEN, server.tokens) is theirs already: printing it would leak it into logs.
      io.out(serve.loginUrl ? `adp serve: open ${serve.loginUrl} to log in` : `adp serve: open ${serve.url}/?token=<your API token> to log in (the token is not printed)`);
      // Unresolvable secrets do not stop serving (runs and other destinations go on); deliveries to these retry until fixed.
      const definitions = (await project.state.listCurations()).map((c) => c.definition);
      for (const check of await checkReferences(config, { home: project.home.root }, definitions)) {
        const line = referenceProblemLine(check);
        if (line) io.err(`adp serve: warning: ${line}; its deliveries are retried until this is fixed (no restart needed), see \`adp config check\``);
      }
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGTERM', () => resolve('SIGTERM'));
        process.once('SIGINT', () => resolve('SIGINT'));
      });
      const graceMs = config.scheduler.shutdownGraceSeconds * 1000;
      const active = serve.context.service.pool.stats().active;
      io.out(`adp serve: ${signal}: stopping${active > 0 ? `, waiting up to ${graceMs / 1000} s for ${active} run(s)` : ''}`);
      const { unfinished } = await serve.stop(graceMs);
      if (unfinished.length > 0) {
        io.out(`adp serve: ${unfinished.length} run(s) still running are left to resume after their lease (${config.leaseSeconds} s): ${unfinished.join(', ')}`);
        // Closing the query engine now would fail those runs; leaving them is what lets another worker resume them.
        process.exit(0);
      }
      await project.close();
      io.out('adp serve: stopped');
    });
}

/** The socket errors of `listen` that are this machine's doing, said in the CLI's terms. */
function listenFailure(e: unknown, host: string, port: number): EnvironmentError | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const where = `${host}:${port}`;
  switch (code) {
    case 'EADDRINUSE':
      return new EnvironmentError(`port ${port} on ${host} is already in use: stop what listens there, or pick another port (--port 0 picks a free one)`, { cause: e });
    case 'EACCES':
      return new EnvironmentError(`not allowed to listen on ${where} (ports below 1024 need privileges): pick another port (--port 0 picks a free one)`, { cause: e });
    case 'EADDRNOTAVAIL':
      return new EnvironmentError(`cannot listen on ${where}: ${host} is not an address of this machine (--host)`, { cause: e });
    default:
      return undefined;
  }
}
