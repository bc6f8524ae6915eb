import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * A PostgreSQL server of one test's own, in a temp folder, on 127.0.0.1 only, with trust auth.
 * A chaos test may restart or kill it without disturbing the machine's shared server on 5432.
 */
export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust auth, no password). */
  readonly url: string;
  readonly port: number;
  /** The temp folder holding the data directory (`data/`), the log and the unix socket. */
  readonly dir: string;
  /** The server's log (stderr of every start), handy in assertions and failure messages. */
  readonly logFile: string;
  /** Fast shutdown (like `pg_ctl restart -m fast`), then start; resolves once it accepts connections again. */
  restart(): Promise<void>;
  /** SIGKILLs the postmaster and all its backends at once (a crash); `start()` brings it back through crash recovery. */
  kill(): Promise<void>;
  /** Starts the server if it is not running; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Clean (fast) shutdown, then removes the temp folder. Safe to call twice; the server cannot start again. */
  stop(): Promise<void>;
}

const PG_LIB = '/usr/lib/postgresql';
const READY_DEADLINE_MS = 30_000;
const EXIT_DEADLINE_MS = 15_000;

/** The newest `/usr/lib/postgresql/<version>/bin` that has `initdb` and `postgres`, if any. */
function findBinDir(): string | undefined {
  let versions: string[];
  try {
    versions = fs.readdirSync(PG_LIB);
  } catch {
    return undefined;
  }
  return versions
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => path.join(PG_LIB, v, 'bin'))
    .find((dir) => ['initdb', 'postgres'].every((bin) => fs.existsSync(path.join(dir, bin))));
}

/** Postgres refuses to run as root: as root, its processes run as the `postgres` OS user. */
function osIdentity(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** True when the PostgreSQL server binaries are installed (and, as root, the `postgres` OS user exists). */
export function privatePostgresAvailable(): boolean {
  if (findBinDir() === undefined) return false;
  try {
    osIdentity();
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates a fresh cluster (initdb) in a temp folder and starts it; resolves once it accepts connections.
 * `port` defaults to a free port below the kernel's ephemeral range (see `freePort`).
 * Settings favour speed: fsync off (safe against process crashes, since written pages stay in the
 * kernel's cache; not against machine crashes), small shared_buffers, max_connections 200.
 */
export async function startPrivatePostgres(options: { port?: number } = {}): Promise<PrivatePostgres> {
  const binDir = findBinDir();
  if (binDir === undefined) {
    throw new Error(`PostgreSQL server binaries not found under ${PG_LIB}/<version>/bin: run \`apt-get install postgresql\``);
  }
  const identity = osIdentity();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'private-pg-'));
  if (identity) fs.chownSync(dir, identity.uid, identity.gid);
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  const spawnOptions = { cwd: dir, env: envWithoutPg(), ...identity };

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let stopped = false;
  let port = options.port ?? (await freePort());
  const url = () => `postgres://postgres@127.0.0.1:${port}/postgres`;

  /** Best effort if the test process exits without `stop()`: immediate shutdown, remove the folder. */
  const onProcessExit = () => {
    child?.kill('SIGQUIT');
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  process.on('exit', onProcessExit);

  const launch = async (): Promise<void> => {
    const logStart = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
    const logFd = fs.openSync(logFile, 'a');
    const settings = {
      listen_addresses: '127.0.0.1',
      port: String(port),
      unix_socket_directories: dir,
      fsync: 'off',
      shared_buffers: '16MB',
      max_connections: '200',
    };
    const args = ['-D', dataDir, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
    const proc = spawn(path.join(binDir, 'postgres'), args, { ...spawnOptions, stdio: ['ignore', logFd, logFd] });
    fs.closeSync(logFd);
    child = proc;
    let spawnError: Error | undefined;
    exited = new Promise<void>((resolve) => {
      proc.once('error', (err) => ((spawnError = err), resolve()));
      proc.once('exit', () => resolve());
    }).then(() => {
      if (child === proc) child = undefined;
    });
    const logSinceLaunch = () => readFrom(logFile, logStart);
    await waitUntilReady(url(), dataDir, () => child !== proc, () => `${spawnError?.message ?? ''}\n${logSinceLaunch()}`);
  };

  /** Sends `signal` to the postmaster and waits for it to exit (escalating to SIGQUIT, then SIGKILL). */
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    if (!proc) return;
    for (const sig of [signal, 'SIGQUIT', 'SIGKILL'] as const) {
      proc.kill(sig);
      if (await settlesWithin(exited, EXIT_DEADLINE_MS)) return;
    }
    throw new Error(`postgres (pid ${proc.pid}) did not exit on ${signal}, SIGQUIT or SIGKILL`);
  };

  const start = async (): Promise<void> => {
    if (stopped) throw new Error('this private PostgreSQL server was stopped; start a new one');
    if (!child) await launch();
  };

  try {
    await runQuietly(path.join(binDir, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], spawnOptions);
    for (let attempt = 1; ; attempt++) {
      try {
        await launch();
        break;
      } catch (err) {
        // Another process took the port between the probe and postgres binding it: try another one.
        const portTaken = /could not bind|could not create any TCP\/IP sockets/.test(String(err));
        if (options.port !== undefined || !portTaken || attempt >= 5) throw err;
        port = await freePort();
      }
    }
  } catch (err) {
    onProcessExit();
    process.off('exit', onProcessExit);
    throw err;
  }

  return {
    url: url(),
    port,
    dir,
    logFile,
    start,
    async restart() {
      await shutdown('SIGINT');
      await start();
    },
    async kill() {
      const pid = child?.pid;
      if (pid === undefined) return;
      // Stopped, the postmaster cannot fork a backend we would miss; then all die at once, like a power cut.
      signalQuietly(pid, 'SIGSTOP');
      const backends = childPids(pid);
      for (const p of [pid, ...backends]) signalQuietly(p, 'SIGKILL');
      await exited;
      await waitUntilGone(backends);
      // All its processes are gone, so the lock file is stale; removing it spares postgres a pid-reuse false alarm.
      fs.rmSync(path.join(dataDir, 'postmaster.pid'), { force: true });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await shutdown('SIGINT');
      } finally {
        process.off('exit', onProcessExit);
        fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      }
    },
  };
}

/**
 * A port free on 127.0.0.1, picked below the kernel's ephemeral range: while the server is down
 * (restart, kill), an outgoing connection of another test could otherwise take a port from
 * that range as its local port and make the server's bind fail.
 */
async function freePort(): Promise<number> {
  const low = ephemeralRangeStart();
  const floor = 10_000;
  for (let i = 0; i < 50 && low - floor > 1000; i++) {
    const candidate = floor + Math.floor(Math.random() * (low - floor));
    if (await canListen(candidate)) return candidate;
  }
  return listenOnZero();
}

function ephemeralRangeStart(): number {
  try {
    return Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function listenOnZero(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls with a real connection until the server on `url` answers with `dataDir` as its data directory,
 * the process dies, or the deadline passes. Checking the directory matters: if the port is taken,
 * the connection reaches someone else's server while ours fails to bind.
 */
async function waitUntilReady(url: string, dataDir: string, hasExited: () => boolean, diagnostics: () => string): Promise<void> {
  const deadline = Date.now() + READY_DEADLINE_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error(`postgres exited while starting:\n${diagnostics()}`);
    const client = new pg.Client({ connectionString: url, ssl: false, connectionTimeoutMillis: 2000 });
    client.on('error', () => {});
    try {
      await client.connect();
      const { rows } = await client.query<{ dir: string }>("select current_setting('data_directory') as dir");
      if (sameDir(rows[0]?.dir ?? '', dataDir)) return;
      lastError = new Error(`port answered by another server (data_directory ${rows[0]?.dir})`);
    } catch (err) {
      lastError = err; // ECONNREFUSED, or 57P03 "the database system is starting up"
    } finally {
      await client.end().catch(() => {});
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`postgres did not accept connections within ${READY_DEADLINE_MS} ms (${String(lastError)}):\n${diagnostics()}`);
}

/** Runs a command to completion, throwing with its output if it fails. */
function runQuietly(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; uid?: number; gid?: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(file, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    proc.once('error', reject);
    proc.once('close', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(file)} failed (${code ?? signal}):\n${output}`)),
    );
  });
}

/** The environment without PG* variables, so nothing from the outer setup leaks into initdb or postgres. */
function envWithoutPg(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PG')));
}

/** Pids whose parent is `ppid`, from /proc (Linux). */
function childPids(ppid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => procStat(pid)?.ppid === ppid);
}

/** State and parent pid of a process, or undefined once it is gone. */
function procStat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state = '', ppid = ''] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state, ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}

/** Waits until none of `pids` runs (a zombie counts as gone: it holds no files or shared memory). */
async function waitUntilGone(pids: number[]): Promise<void> {
  const deadline = Date.now() + EXIT_DEADLINE_MS;
  const running = () => pids.filter((pid) => ![undefined, 'Z', 'X'].includes(procStat(pid)?.state));
  while (running().length > 0) {
    if (Date.now() > deadline) throw new Error(`postgres processes ${running().join(', ')} still run after SIGKILL`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function sameDir(a: string, b: string): boolean {
  if (path.resolve(a) === path.resolve(b)) return true;
  try {
    return fs.realpathSync(a) === fs.realpathSync(b);
  } catch {
    return false;
  }
}

function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([promise.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

function readFrom(file: string, offset: number): string {
  try {
    return fs.readFileSync(file).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}
