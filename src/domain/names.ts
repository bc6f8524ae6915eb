import * as z from 'zod';
import { ValidationError } from './errors.js';

/** Curation names: the key of a definition and part of every execution name. */
export const curationTypeSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 . _ -')
  .refine((s) => s !== '.' && s !== '..', 'must not be "." or ".."');

/**
 * A curation name given as an argument (CLI argument, URL segment): returns
 * it, or throws a ValidationError naming `argument`, the rule and the value.
 *
 * @example checkCurationType('bad name/x') // ValidationError: curationType: must be 1-64 characters of A-Z a-z 0-9 . _ - (got "bad name/x")
 */
export function checkCurationType(value: string, argument = 'curationType'): string {
  const parsed = curationTypeSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: argument, message: `${i.message} (got ${JSON.stringify(value)})` }));
  throw new ValidationError(issues, argument);
}

/** S3 bucket naming rules, so a definition that works here also works on AWS. */
export const bucketNameSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    'must be 3-63 characters of a-z 0-9 . - starting and ending with a letter or digit',
  )
  .refine((s) => !s.includes('..'), 'must not contain ".."');

/** A relative path made of plain segments: no leading "/", no "." or ".." segment, no backslash. */
export function relativePathSchema(what: string) {
  return z
    .string()
    .min(1, 'must not be empty')
    .max(1024, 'must be at most 1024 characters')
    .refine((s) => !s.startsWith('/'), `must be relative to the ${what} (no leading "/")`)
    .refine((s) => !s.includes('\\') && !s.includes('\0'), 'must not contain "\\" or NUL')
    .refine(
      (s) => s.split('/').every((seg, i, all) => seg !== '..' && seg !== '.' && (seg !== '' || i === all.length - 1)),
      `must stay inside the ${what} (no "..", "." or empty segments)`,
    );
}

/** Catalog names (databases, tables): Glue allows lowercase letters, digits, "_" and "-". */
export const catalogNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,255}$/, 'must be 1-255 characters of A-Z a-z 0-9 _ -');
