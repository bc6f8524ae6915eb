import * as z from 'zod';
import { AdpError } from '../errors.js';
import { formatPath } from '../zod-issues.js';

/**
 * A secret reference (`{"env": ...}`, `{"file": ...}`) in a destination
 * cannot be resolved, or resolves to a value its field refuses. `field`
 * names where it sits (`notifications[0].secret`); the message never holds
 * the value.
 */
export class SecretReferenceError extends AdpError {
  readonly code = 'SECRET_UNRESOLVED';
  override readonly isUserError = true;
  constructor(
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A secret kept outside `adp.config.json`: an environment variable of the process, or a file (relative to the home). */
export type SecretReference = { readonly env: string } | { readonly file: string };

const envReference = z.strictObject({
  env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,255}$/, 'must be an environment variable name (A-Z a-z 0-9 _, not starting with a digit)'),
});
const fileReference = z.strictObject({ file: z.string().min(1, 'must be a file path') });

const REFERENCE_SHAPES = '{"env": "NAME"} or {"file": "path"}';

/**
 * A setting that may hold a secret: the literal (checked by `literal`), or a
 * reference resolved at each delivery, so a rotated secret needs no restart.
 * A mistake is reported against the form that was meant (a string: the
 * literal's rule; an object: the reference shapes).
 */
export function secretOr<T extends z.ZodType<string>>(literal: T) {
  return z.union([literal, envReference, fileReference], {
    error: (issue) => {
      const input = issue.input;
      if (input === undefined) return 'Invalid input: expected string, received undefined';
      const branch = typeof input === 'string' ? 0 : input && typeof input === 'object' ? ('env' in input ? 1 : 'file' in input ? 2 : -1) : -1;
      const issues = (issue as { errors?: readonly (readonly z.core.$ZodIssue[])[] }).errors?.[branch];
      if (branch === -1 || !issues?.length) return `must be a string, or a reference ${REFERENCE_SHAPES}`;
      return issues
        .map((i) => {
          if (i.code === 'unrecognized_keys') return `${i.keys.join(', ')}: unknown field of a reference (${REFERENCE_SHAPES})`;
          return i.path.length ? `${formatPath('', i.path)}: ${i.message}` : i.message;
        })
        .join('; ');
    },
  });
}

/** Whether a (validated) setting value is a reference rather than a literal. */
export function isSecretReference(value: unknown): value is SecretReference {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'env' || keys[0] === 'file') && typeof (value as Record<string, unknown>)[keys[0]] === 'string';
}

/** How a reference is described to people: names the variable or file, never a value. */
export function describeReference(ref: SecretReference): string {
  return 'env' in ref ? `environment variable ${ref.env}` : `file ${ref.file}`;
}

/** A spec with every reference replaced by the string it names. */
export type Resolved<T> = T extends SecretReference
  ? string
  : T extends readonly (infer U)[]
    ? Resolved<U>[]
    : T extends object
      ? { [K in keyof T]: Resolved<T[K]> }
      : T;

/** One reference found in a spec, with where it sits (`smtp.auth.pass`). */
export interface ReferenceAt {
  readonly field: string;
  readonly ref: SecretReference;
}

// A header map is a record of values, so `{"env": "prod"}` there is one header named env, not a
// reference: its values are looked at one by one.
const RECORDS_OF_VALUES = new Set(['headers']);

function childrenOf(spec: object, prefix: string): { key: PropertyKey; value: unknown; field: string; leaf: boolean }[] {
  const entries: [PropertyKey, unknown][] = Array.isArray(spec) ? spec.map((v, i) => [i, v]) : Object.entries(spec);
  return entries.map(([key, value]) => ({ key, value, field: formatPath(prefix, [key]), leaf: typeof key === 'string' && RECORDS_OF_VALUES.has(key) }));
}

/** Every reference in a spec, in field order. */
export function referencesIn(spec: unknown, prefix = ''): ReferenceAt[] {
  if (isSecretReference(spec)) return [{ field: prefix, ref: spec }];
  if (spec === null || typeof spec !== 'object') return [];
  return childrenOf(spec, prefix).flatMap((c) =>
    c.leaf && c.value && typeof c.value === 'object'
      ? Object.entries(c.value).flatMap(([k, v]) => (isSecretReference(v) ? [{ field: formatPath(c.field, [k]), ref: v }] : []))
      : referencesIn(c.value, c.field),
  );
}

/**
 * The spec with each reference replaced by `read(ref, field)`; literals kept.
 * Pure: the caller brings the reading (environment, files).
 */
export async function resolveReferences<T>(spec: T, read: (ref: SecretReference, field: string) => Promise<string>, prefix = ''): Promise<Resolved<T>> {
  if (isSecretReference(spec)) return (await read(spec, prefix)) as Resolved<T>;
  if (spec === null || typeof spec !== 'object') return spec as Resolved<T>;
  const out: Record<PropertyKey, unknown> = Array.isArray(spec) ? ([] as unknown as Record<PropertyKey, unknown>) : {};
  for (const c of childrenOf(spec, prefix)) {
    if (c.leaf && c.value && typeof c.value === 'object') {
      const values: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(c.value)) values[k] = isSecretReference(v) ? await read(v, formatPath(c.field, [k])) : v;
      out[c.key] = values;
    } else out[c.key] = await resolveReferences(c.value, read, c.field);
  }
  return out as Resolved<T>;
}
