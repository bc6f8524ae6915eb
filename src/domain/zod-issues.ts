import type { z } from 'zod';
import { ValidationError, type FieldIssue } from './errors.js';

/** Turns zod's issues into one line per field, worded for people who write JSON by hand. */
export function toFieldIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of error.issues) {
    const base = formatPath(prefix, issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ path: formatPath(base, [key]), message: 'unknown field (check its spelling; unknown fields are refused)' });
      }
      continue;
    }
    if (issue.code === 'invalid_key') {
      out.push({ path: base, message: issue.issues[0]?.message ?? 'invalid key' });
      continue;
    }
    out.push({ path: base, message: describe(issue) });
  }
  return out;
}

/** `a.b[0]["odd key"]`: plain names dotted, indexes and odd keys bracketed, so a path is always readable. */
export function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'required';
    return `must be ${article(issue.expected)}, got ${kindOf(issue.input)}`;
  }
  if (issue.code === 'invalid_value') {
    if (issue.input === undefined) return 'required';
    return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(issue.input)}`;
  }
  return issue.message;
}

function article(expected: string): string {
  if (expected === 'object') return 'an object';
  if (expected === 'array') return 'an array';
  if (expected === 'int') return 'an integer';
  return `a ${expected}`;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`.slice(0, 60);
}

/** Parses `input` with `schema` or throws a {@link ValidationError} naming each bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, subject: string, prefix = ''): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (!result.success) throw new ValidationError(toFieldIssues(result.error, prefix), subject);
  return result.data;
}
