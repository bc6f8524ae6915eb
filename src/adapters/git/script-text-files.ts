import fs from 'node:fs/promises';
import path from 'node:path';
import { sha256Hex } from '../../domain/sha256.js';

/** How many commits' texts a folder keeps; the ones read longest ago go first. */
const KEEP_COMMITS = 32;

/**
 * Script texts kept in a folder across processes, by (full commit id, path):
 * a commit's content never changes, so what one `adp run` read with git the
 * next reads from a file, without starting a git process. Best effort: a file
 * that cannot be read or written (a read-only home) is a miss, never an error.
 *
 * Layout: `<dir>/<commit>/<sha-256 of the path>.json`, written to a temporary
 * name and renamed, so a reader never sees half a file. Not synced to disk
 * (writeFileAtomic would): an entry lost in a crash is only a miss.
 */
export class ScriptTextFiles {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async get(commit: string, scriptPath: string): Promise<string | undefined> {
    try {
      const stored = JSON.parse(await fs.readFile(this.#file(commit, scriptPath), 'utf8')) as unknown;
      if (isEntry(stored) && stored.path === scriptPath) return stored.text;
    } catch {
      // missing or damaged: read it again
    }
    return undefined;
  }

  async set(commit: string, scriptPath: string, text: string): Promise<void> {
    const file = this.#file(commit, scriptPath);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      const fresh = await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(tmp, JSON.stringify({ path: scriptPath, text }));
      await fs.rename(tmp, file);
      if (fresh !== undefined) await this.#prune(commit);
    } catch {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
    }
  }

  #file(commit: string, scriptPath: string): string {
    return path.join(this.#dir, commit, `${sha256Hex(scriptPath)}.json`);
  }

  /** Past {@link KEEP_COMMITS} commit folders, removes the least recently written ones (never `keep`). */
  async #prune(keep: string): Promise<void> {
    const names = (await fs.readdir(this.#dir)).filter((n) => n !== keep);
    if (names.length < KEEP_COMMITS) return;
    const aged = await Promise.all(names.map(async (n) => ({ n, t: (await fs.stat(path.join(this.#dir, n)).catch(() => undefined))?.mtimeMs ?? 0 })));
    aged.sort((a, b) => a.t - b.t);
    for (const { n } of aged.slice(0, names.length - (KEEP_COMMITS - 1))) await fs.rm(path.join(this.#dir, n), { recursive: true, force: true });
  }
}

function isEntry(v: unknown): v is { path: string; text: string } {
  return typeof v === 'object' && v !== null && typeof (v as { path?: unknown }).path === 'string' && typeof (v as { text?: unknown }).text === 'string';
}
