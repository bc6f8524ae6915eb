import type { z } from 'zod';
import { ValidationError, type FieldIssue } from '../domain/errors.js';
import { toFieldIssues } from '../domain/zod-issues.js';

/** What @hono/zod-openapi hands a hook after validating one part of a request. */
export interface ValidationResult {
  readonly success: boolean;
  readonly error?: z.ZodError;
  /** On failure: the input as received. */
  readonly data?: unknown;
  readonly target: string;
}

const SUBJECT: Readonly<Record<string, string>> = {
  json: 'request body',
  query: 'query string',
  param: 'path parameters',
  header: 'headers',
};

/** The value at `path` inside `input`, or undefined. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/**
 * Turns a failed validation into the {@link ValidationError} the CLI would
 * raise for the same input, so field paths and wording match `adp`'s. The
 * validator parses without `reportInput`; each issue gets the input at its
 * path back, which is all the wording needs; `subject` names the body (the
 * query string and path keep their own names). An unknown query parameter is
 * named with the schema's own words (`strictQuery`: which ones the operation takes).
 */
export function validationHook(subject?: string) {
  return (result: ValidationResult): undefined => {
    if (result.success || !result.error) return;
    const unknownParameters: FieldIssue[] = [];
    const rest = result.error.issues.filter((issue) => {
      if (result.target !== 'query' || issue.code !== 'unrecognized_keys') return true;
      for (const key of issue.keys) unknownParameters.push({ path: key, message: issue.message });
      return false;
    });
    const issues = rest.map((issue) => ('input' in issue ? issue : { ...issue, input: valueAt(result.data, issue.path) })) as z.core.$ZodIssue[];
    const error = { issues } as z.ZodError;
    // A route's own subject names its body; its query string and path stay what they are.
    const named = (result.target === 'json' ? subject : undefined) ?? SUBJECT[result.target] ?? result.target;
    throw new ValidationError([...unknownParameters, ...toFieldIssues(error)], named);
  };
}
