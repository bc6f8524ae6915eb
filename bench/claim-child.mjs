// One claim benchmark process: opens the home in ADP_BENCH_HOME and, in
// ADP_BENCH_CONCURRENCY loops, claims the next run and releases it at once (the run
// stays queued, so it is claimed again), with the global cap ADP_BENCH_MAX_ACTIVE if
// set. Prints `ready`, starts on SIGUSR2, stops on SIGTERM and prints one JSON line:
// claims made and the seconds they took.
import os from 'node:os';
import { countStatements, dist } from './lib.mjs';

const statements = process.env.ADP_BENCH_COUNT_SQL === '1' ? await countStatements() : undefined;
const { openProject } = await import(dist('drivers/open-project.js'));
const { homeLayout } = await import(dist('drivers/common/home.js'));

const project = await openProject(homeLayout(process.env.ADP_BENCH_HOME));
const queue = project.scheduling;
const owner = `claim-${os.hostname()}-${process.pid}`;
const maxActive = process.env.ADP_BENCH_MAX_ACTIVE ? Number(process.env.ADP_BENCH_MAX_ACTIVE) : undefined;
const concurrency = Number(process.env.ADP_BENCH_CONCURRENCY ?? 8);
let stopping = false;
let claims = 0;
let empty = 0;

/** Yields to the event loop: an embedded claim never waits for I/O, and promises alone would starve timers and signals. */
const turn = () => new Promise((r) => setImmediate(r));

async function loop() {
  while (!stopping) {
    await turn();
    const now = new Date();
    const claimed = await queue.claimNextRun({ owner, now, leaseUntil: new Date(now.getTime() + 30_000), maxActive });
    if (!claimed) {
      empty++;
      await new Promise((r) => setTimeout(r, 5));
      continue;
    }
    await queue.releaseLease(claimed.run.executionName, owner);
    claims++;
  }
}

// Both handlers before `ready`, so no signal finds its default action (exit); and a
// timer, since signal handlers alone do not keep the process alive. A parent gone
// (the benchmark failed) ends this process too.
const go = new Promise((resolve) => process.once('SIGUSR2', resolve));
const stop = new Promise((resolve) => process.once('SIGTERM', resolve));
const parent = process.ppid;
const alive = setInterval(() => process.ppid !== parent && process.exit(1), 1000);
process.stdout.write('ready\n');
await go;
const t0 = performance.now();
const loops = Array.from({ length: concurrency }, loop);
await stop;
const seconds = (performance.now() - t0) / 1000;
stopping = true;
await Promise.all(loops);
await project.close();
clearInterval(alive);
process.stdout.write(`${JSON.stringify({ claims, empty, seconds, statements: statements?.() })}\n`);
process.exit(0);
