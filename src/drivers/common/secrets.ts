import fs from 'node:fs/promises';
import path from 'node:path';
import { destinationSpecSchema, type DestinationSpec } from '../../domain/notify/destinations.js';
import { describeReference, resolveReferences, SecretReferenceError, type Resolved, type SecretReference } from '../../domain/notify/secret-ref.js';
import { formatPath } from '../../domain/zod-issues.js';

/** Where references are read from. */
export interface SecretSource {
  /** `{"file": ...}` paths are relative to this folder (the project home). */
  readonly home: string;
  /** Default: this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The value a reference names, read now: an environment variable (unset or
 * empty is an error) or a file relative to the home, one trailing newline
 * left out (files written by `echo` or editors end with one).
 *
 * @throws SecretReferenceError naming `field` and the variable or file, never a value.
 */
export async function readSecret(ref: SecretReference, field: string, source: SecretSource): Promise<string> {
  if ('env' in ref) {
    const value = (source.env ?? process.env)[ref.env];
    if (value === undefined || value === '') throw new SecretReferenceError(field, `${field}: environment variable ${ref.env} is not set`);
    return value;
  }
  const file = path.resolve(source.home, ref.file);
  try {
    return (await fs.readFile(file, 'utf8')).replace(/\r?\n$/, '');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'does not exist' : code === 'EACCES' || code === 'EPERM' ? 'may not be read by this user' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code ?? 'error'})`;
    throw new SecretReferenceError(field, `${field}: file ${file} ${why}`, { cause: e });
  }
}

/**
 * The destination with every reference read, checked by the config's own
 * rules (a URL read from a file must still be an http(s) URL).
 *
 * @throws SecretReferenceError for the first field that cannot be resolved or is refused.
 */
export async function resolveDestination<D extends DestinationSpec>(spec: D, source: SecretSource, prefix = ''): Promise<Resolved<D>> {
  const resolved = await resolveReferences(spec, (ref, field) => readSecret(ref, field, source), prefix);
  const checked = destinationSpecSchema.safeParse(resolved);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const field = formatPath(prefix, issue.path);
    const ref = referenceAt(spec, issue.path);
    const from = ref ? ` (read from ${describeReference(ref)})` : '';
    throw new SecretReferenceError(field, `${field}: ${issue.message}${from}`);
  }
  return resolved;
}

function referenceAt(spec: unknown, at: readonly PropertyKey[]): SecretReference | undefined {
  let value = spec;
  for (const key of at) value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value && typeof value === 'object' ? (value as SecretReference) : undefined;
}
