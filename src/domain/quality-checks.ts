import * as z from 'zod';

/**
 * Quality checks (`qualityChecks` in a definition): run on the query's raw
 * result before it is published. A failed `block` check fails the run and
 * nothing is published; a failed `warn` check is recorded and alerted
 * (`qualityWarning`). Every check's result goes into the history record.
 */
export const QUALITY_CHECK_TYPES = ['rowCount', 'notNull', 'unique', 'accepted', 'sql'] as const;
export type QualityCheckType = (typeof QUALITY_CHECK_TYPES)[number];
export const QUALITY_SEVERITIES = ['block', 'warn'] as const;
export type QualitySeverity = (typeof QUALITY_SEVERITIES)[number];

/** A result column name as written in a check (any text; engines quote it). */
const columnName = z.string().min(1, 'must not be empty').max(255, 'must be at most 255 characters');
const columns = z
  .array(columnName)
  .min(1, 'must name at least one column')
  .max(32, 'at most 32 columns')
  .refine((c) => new Set(c).size === c.length, 'must not repeat a column');

const common = {
  /** Shown in the record and alerts; default: the type and its columns, e.g. `unique(ride_id)`. */
  name: z
    .string()
    .regex(/^[\x20-\x7e]{1,100}$/, 'must be 1-100 printable ASCII characters')
    .optional(),
  /** `block` (default): a failure fails the run and publishes nothing; `warn`: recorded and alerted only. */
  severity: z.enum(QUALITY_SEVERITIES).optional(),
};

const acceptedValue = z.union([z.string().max(1000, 'values must be at most 1000 characters'), z.number().finite(), z.boolean()]);

export const qualityCheckSchema = z.discriminatedUnion('type', [
  z
    .strictObject({ type: z.literal('rowCount'), min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional(), ...common })
    .refine((c) => c.min !== undefined || c.max !== undefined, { message: 'give min, max or both', path: ['min'] })
    .refine((c) => c.min === undefined || c.max === undefined || c.min <= c.max, { message: 'must not exceed max', path: ['min'] }),
  z.strictObject({ type: z.literal('notNull'), columns, ...common }),
  z.strictObject({ type: z.literal('unique'), columns, ...common }),
  z.strictObject({
    type: z.literal('accepted'),
    column: columnName,
    values: z.array(acceptedValue).min(1, 'must list at least one value').max(1000, 'at most 1000 values'),
    ...common,
  }),
  z.strictObject({
    type: z.literal('sql'),
    /** A SELECT over the relation `result` (the query's result, nothing else): the check passes when it returns no rows. */
    query: z.string().min(1, 'must not be empty').max(20_000, 'must be at most 20000 characters'),
    ...common,
  }),
]);
export type QualityCheck = z.infer<typeof qualityCheckSchema>;

/** The definition's list; names (given or default) must be unique so each result is told apart. */
export const qualityChecksSchema = z
  .array(qualityCheckSchema)
  .max(50, 'at most 50 checks')
  .superRefine((checks, ctx) => {
    const seen = new Map<string, number>();
    checks.forEach((check, i) => {
      const name = qualityCheckName(check, i);
      const first = seen.get(name);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${name}" is also the name of qualityChecks[${first}]: give each check its own name` });
      } else seen.set(name, i);
    });
  });

/** A check's name as records and alerts show it. */
export function qualityCheckName(check: QualityCheck, index: number): string {
  if (check.name !== undefined) return check.name;
  switch (check.type) {
    case 'rowCount':
      return 'rowCount';
    case 'notNull':
    case 'unique':
      return `${check.type}(${check.columns.join(', ')})`;
    case 'accepted':
      return `accepted(${check.column})`;
    case 'sql':
      return `sql[${index}]`;
  }
}

/**
 * What an engine measured for one check: a count whose meaning depends on
 * the type (rowCount: rows; notNull: rows with a null in any of the
 * columns; unique: rows beyond the first of each repeated key, rows with a
 * null key left out as SQL's UNIQUE does; accepted: rows whose non-null
 * value is not listed; sql: rows the query returned), or why it could not.
 */
export type QualityObservation = { readonly observed: number } | { readonly error: string };

/** One check's outcome, as the history record lists it. */
export interface QualityCheckResult {
  name: string;
  type: QualityCheckType;
  severity: QualitySeverity;
  passed: boolean;
  /** The measured count (see {@link QualityObservation}); absent when the check could not run (`error`). */
  observed?: number;
  /** What passing means, e.g. `1 <= rows <= 100`, `0 rows with a null`. */
  expected: string;
  /** Why the check could not run (an unknown column, a refused query): it counts as failed. */
  error?: string;
}

/** Pass or fail for each check, given what the engine observed (same order). */
export function evaluateQualityChecks(checks: readonly QualityCheck[], observations: readonly QualityObservation[]): QualityCheckResult[] {
  return checks.map((check, i) => {
    const base = { name: qualityCheckName(check, i), type: check.type, severity: check.severity ?? 'block', expected: expectation(check) } as const;
    const seen = observations[i];
    if (!seen || 'error' in seen) return { ...base, passed: false, error: seen?.error ?? 'the engine returned no observation' };
    const n = seen.observed;
    const passed = check.type === 'rowCount' ? (check.min === undefined || n >= check.min) && (check.max === undefined || n <= check.max) : n === 0;
    return { ...base, passed, observed: n };
  });
}

function expectation(check: QualityCheck): string {
  switch (check.type) {
    case 'rowCount':
      return [check.min !== undefined ? `${check.min} <=` : '', 'rows', check.max !== undefined ? `<= ${check.max}` : ''].join(' ').trim();
    case 'notNull':
      return '0 rows with a null';
    case 'unique':
      return '0 duplicate rows';
    case 'accepted':
      return '0 rows with another value';
    case 'sql':
      return '0 rows returned';
  }
}

/** The checks that stop publishing: failed with severity `block`. */
export const blockingFailures = (results: readonly QualityCheckResult[]): QualityCheckResult[] =>
  results.filter((r) => !r.passed && r.severity === 'block');

/** The failed `warn` checks (the `qualityWarning` alert). */
export const warningFailures = (results: readonly QualityCheckResult[] | undefined): QualityCheckResult[] =>
  (results ?? []).filter((r) => !r.passed && r.severity === 'warn');

/** One line per failed check: `unique(id): 3 (expected 0 duplicate rows)`. */
export function describeFailedChecks(results: readonly QualityCheckResult[]): string {
  return results.map((r) => `${r.name}: ${r.error ?? `${r.observed} (expected ${r.expected})`}`).join('; ');
}
