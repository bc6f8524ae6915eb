import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `adp` in this process with captured output (same code path as the binary). */
export async function adp(args: readonly string[], stdin = ''): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (t) => {
      stdout += t.endsWith('\n') ? t : `${t}\n`;
    },
    err: (t) => {
      stderr += t.endsWith('\n') ? t : `${t}\n`;
    },
    readStdin: async () => stdin,
    interactive: false,
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

/** A fresh temp folder; remove it with `cleanup`. */
export function tempDir(prefix = 'adp-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function cleanup(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** A home with the wildrydes example (small data), ready to run. */
export async function exampleHome(rows = 300): Promise<string> {
  const home = tempDir();
  const r = await adp(['--home', home, 'init', '--example', 'wildrydes', '--rows', String(rows)]);
  if (r.code !== 0) throw new Error(`init failed: ${r.stderr}`);
  return home;
}
