import { ValidationError } from '../../domain/errors.js';
import { relativePathSchema } from '../../domain/names.js';

/** What a (commit, path) holds: the file's text, nothing, or a folder. */
export type ScriptLookup = { readonly text: string } | 'missing' | 'folder';

const pathSchema = relativePathSchema('scripts repository')
  .refine((p) => !/[\r\n]/.test(p), 'must not contain line breaks')
  .refine((p) => !p.endsWith('/'), 'must name a file, not a folder (no trailing "/")');

/** A commit id as the remote script repositories take it: 40 (SHA-1) or 64 (SHA-256) hexadecimal characters. */
export const FULL_COMMIT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * Refuses a script path that could leave the repository or is not a file
 * name, as a ValidationError on `field` (`sqlFilePath` by default).
 */
export function checkScriptPath(p: string, field = 'sqlFilePath'): void {
  const r = pathSchema.safeParse(p);
  if (!r.success) throw new ValidationError(r.error.issues.map((i) => ({ path: field, message: i.message })));
}

/**
 * The texts of scripts by (full commit id, path), a bounded map evicting the
 * oldest entry. A commit's content never changes, so entries never go stale.
 *
 * @example
 * const texts = new ScriptTexts(512);
 * const hit = texts.get(commit, path) ?? texts.set(commit, path, await lookup());
 */
export class ScriptTexts {
  readonly #max: number;
  readonly #entries = new Map<string, ScriptLookup>();

  constructor(maxEntries = 512) {
    this.#max = Math.max(0, maxEntries);
  }

  get(commit: string, path: string): ScriptLookup | undefined {
    return this.#entries.get(`${commit}\0${path}`);
  }

  /** Remembers `value` and returns it. */
  set(commit: string, path: string, value: ScriptLookup): ScriptLookup {
    if (this.#max === 0) return value;
    this.#entries.set(`${commit}\0${path}`, value);
    if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!);
    return value;
  }
}
