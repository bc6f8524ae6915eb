import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The built CLI: real-process tests run what users run (`npm test` builds first). */
export const ADP_BIN = path.resolve(import.meta.dirname, '../../dist/cli/bin.js');

/** An `adp serve` child process whose output lines are collected as they come. */
export interface ServeProcess {
  readonly child: ChildProcess;
  /** stdout and stderr lines so far, in order of arrival. */
  readonly lines: string[];
  /** Resolves with the first line matching `re` (searching lines seen so far too). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or the signal name) once the process ended. */
  readonly exited: Promise<number | string>;
}

/** Starts `adp --home HOME serve --port 0` and resolves once it listens. */
export async function startServeProcess(home: string, options: { env?: NodeJS.ProcessEnv; readyTimeoutMs?: number } = {}): Promise<ServeProcess> {
  if (!fs.existsSync(ADP_BIN)) throw new Error(`${ADP_BIN} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [ADP_BIN, '--home', home, 'serve', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
  });
  const lines: string[] = [];
  const waiters = new Set<{ re: RegExp; resolve: (line: string) => void }>();
  const onData = (buffer: { text: string }) => (chunk: Buffer) => {
    buffer.text += chunk.toString('utf8');
    let nl: number;
    while ((nl = buffer.text.indexOf('\n')) >= 0) {
      const line = buffer.text.slice(0, nl);
      buffer.text = buffer.text.slice(nl + 1);
      lines.push(line);
      for (const w of waiters) {
        if (w.re.test(line)) {
          waiters.delete(w);
          w.resolve(line);
        }
      }
    }
  };
  child.stdout!.on('data', onData({ text: '' }));
  child.stderr!.on('data', onData({ text: '' }));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const waitFor = (re: RegExp, timeoutMs = 15_000) => {
    const seen = lines.find((l) => re.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`no line matching ${re} within ${timeoutMs} ms; output so far:\n${lines.join('\n')}`));
      }, timeoutMs);
      const waiter = { re, resolve: (line: string) => (clearTimeout(timer), resolve(line)) };
      waiters.add(waiter);
    });
  };
  await waitFor(/adp serve: listening on http:\/\/127\.0\.0\.1:\d+/, options.readyTimeoutMs);
  return { child, lines, waitFor, exited };
}

/** Merges `patch` into the home's `adp.config.json`. */
export function patchConfig(home: string, patch: Record<string, unknown>): void {
  const file = path.join(home, 'adp.config.json');
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(file, JSON.stringify({ ...config, ...patch }, null, 2));
}

/** Resolves after `ms`. */
export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An ISO instant `ms` from now, on a whole second. */
export function secondsFromNow(ms: number): string {
  return new Date(Math.ceil((Date.now() + ms) / 1000) * 1000).toISOString();
}

/** What a finished `adp` process left: exit code (or signal name) and its output. */
export interface AdpProcessResult {
  readonly code: number | string;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the built `adp` with `args` to its end, as a user would from a shell.
 * `asUser` runs it under that uid/gid through `setpriv` (tests run as root,
 * which no file mode stops).
 */
export function runAdpProcess(args: readonly string[], options: { env?: NodeJS.ProcessEnv; asUser?: { uid: number; gid: number } } = {}): Promise<AdpProcessResult> {
  if (!fs.existsSync(ADP_BIN)) throw new Error(`${ADP_BIN} is missing: run \`npm run build\` first`);
  const [command, argv] = options.asUser
    ? ['setpriv', [`--reuid=${options.asUser.uid}`, `--regid=${options.asUser.gid}`, '--clear-groups', process.execPath, ADP_BIN, ...args]]
    : [process.execPath, [ADP_BIN, ...args]];
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? signal ?? -1, stdout, stderr }));
  });
}
