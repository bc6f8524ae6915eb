import * as z from 'zod';
import type { FieldIssue } from '../errors.js';
import { VALUE_TYPES, type TemplateValue, type ValueType } from './template-types.js';
import { coerceJson, coerceText } from './template-values.js';

import { PARAMETER_NAME } from './parameter-name.js';

export { PARAMETER_NAME };

/**
 * One declared parameter: `{"type": "string", "default": "eu"}`. Without a
 * default it is required: a run without a value for it fails at its start.
 */
export const parameterDefinitionSchema = z
  .strictObject({
    type: z.enum(VALUE_TYPES),
    default: z.union([z.string().max(4096), z.number(), z.boolean()]).optional(),
    description: z.string().max(500).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.default === undefined) return;
    const v = coerceJson(p.default, p.type);
    if (typeof v === 'string') ctx.addIssue({ code: 'custom', path: ['default'], message: v });
  });

/** A definition's `parameters`: name → declaration, at most 50. */
export const parametersDefinitionSchema = z
  .record(z.string().regex(PARAMETER_NAME, 'parameter names must be identifiers (A-Z a-z 0-9 _, not starting with a digit)'), parameterDefinitionSchema)
  .refine((p) => Object.keys(p).length <= 50, 'at most 50 parameters');

export type ParameterDefinitions = z.infer<typeof parametersDefinitionSchema>;

/** The declared type of each parameter. */
export function parameterTypes(defs: ParameterDefinitions | undefined): Readonly<Record<string, ValueType>> {
  return Object.fromEntries(Object.entries(defs ?? {}).map(([name, d]) => [name, d.type]));
}

/** What {@link resolveParameters} found. */
export interface ResolvedParameters {
  readonly values: Readonly<Record<string, TemplateValue>>;
  readonly issues: readonly FieldIssue[];
}

/**
 * The run's parameter values: each given value (text, from `--param`, the
 * API, a backfill) read as its declared type, else the default. A name the
 * definition does not declare is an issue, and so is a value of the wrong
 * type; a required parameter with no value is one when `requireAll` (at run
 * start; a run may be queued before anyone could tell).
 *
 * @example resolveParameters({ region: { type: 'string', default: 'eu' } }, { region: 'us' }, true).values.region
 * // { type: 'string', value: 'us' }
 */
export function resolveParameters(
  defs: ParameterDefinitions | undefined,
  given: Readonly<Record<string, string>> | undefined,
  requireAll: boolean,
): ResolvedParameters {
  const declared = defs ?? {};
  const values: Record<string, TemplateValue> = {};
  const issues: FieldIssue[] = [];
  const names = Object.keys(declared);
  for (const name of Object.keys(given ?? {})) {
    if (!Object.hasOwn(declared, name)) {
      issues.push({
        path: `parameters.${name}`,
        message: `unknown parameter '${name}' (${names.length ? `the curation declares ${names.join(', ')}` : 'the curation declares no parameters'})`,
      });
    }
  }
  for (const [name, def] of Object.entries(declared)) {
    const text = given && Object.hasOwn(given, name) ? given[name] : undefined;
    const v = text !== undefined ? coerceText(text, def.type) : def.default !== undefined ? coerceJson(def.default, def.type) : undefined;
    if (v === undefined) {
      if (requireAll) issues.push({ path: `parameters.${name}`, message: `required parameter '${name}' (${def.type}) has no value: pass --param ${name}=… or give it a default` });
    } else if (typeof v === 'string') issues.push({ path: `parameters.${name}`, message: `${v} (parameter '${name}' is a ${def.type})` });
    else values[name] = v;
  }
  return { values, issues };
}
