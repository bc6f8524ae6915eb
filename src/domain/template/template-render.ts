import type { FieldIssue } from '../errors.js';
import { utcStamp } from '../naming.js';
import { applyFilter, filterType } from './template-filters.js';
import { parseTemplate, type TemplateTag } from './template-parse.js';
import { TemplateError } from './template-error.js';
import { BUILTIN_VARIABLES, type TemplateScope, type TemplateValue, type ValueType } from './template-types.js';
import { valueText } from './template-values.js';

/** Where a text is rendered: SQL (values become typed literals) or a key part (values are sanitised). */
export type TemplateTarget = 'sql' | 'path';

/** The type of a tag's variable before its filters, or a message naming what is unknown. */
function refType(tag: TemplateTag, params: Readonly<Record<string, ValueType>>): ValueType | string {
  const [head, name, ...more] = tag.ref;
  if (head === 'params') {
    if (name === undefined || more.length > 0) return `{{${tag.source}}}: write a parameter as params.NAME`;
    const names = Object.keys(params);
    if (!Object.hasOwn(params, name)) {
      return `unknown parameter 'params.${name}' (${names.length ? `declared: ${names.join(', ')}` : 'the definition declares no parameters'})`;
    }
    return params[name]!;
  }
  if (name !== undefined) return `unknown variable '${tag.ref.join('.')}'`;
  const type = BUILTIN_VARIABLES[head!];
  return type ?? `unknown variable '${head}' (variables: ${Object.keys(BUILTIN_VARIABLES).join(', ')}, params.NAME)`;
}

/** The type a tag renders, or a message: unknown names, filters that do not apply. */
function tagType(tag: TemplateTag, params: Readonly<Record<string, ValueType>>): ValueType | string {
  let type = refType(tag, params);
  for (const filter of tag.filters) {
    if (!isType(type)) return type;
    type = filterType(type, filter);
  }
  return type;
}

const isType = (t: string): t is ValueType => ['string', 'int', 'number', 'boolean', 'date', 'timestamp'].includes(t);

/**
 * Every static problem of a template text: syntax, unknown variables,
 * unknown parameters, unknown filters or filters of another type. What only
 * a run can tell (a missing required value, text that does not cast) is left
 * to {@link renderTemplate}.
 *
 * @example checkTemplate('select {{ params.nope }}', 'sql', 'sql', {}) // [{ path: 'sql', message: "unknown parameter 'params.nope' (…)" }]
 */
export function checkTemplate(text: string, field: string, target: TemplateTarget, params: Readonly<Record<string, ValueType>>): FieldIssue[] {
  const parsed = parseTemplate(text, field, target === 'sql');
  const issues = [...parsed.issues];
  for (const part of parsed.parts) {
    if (typeof part === 'string') continue;
    const type = tagType(part, params);
    if (!isType(type)) issues.push({ path: field, message: type });
  }
  return issues;
}

/**
 * Renders a template. In SQL each value becomes a typed literal
 * ({@link sqlLiteral}): a string is one quoted string whatever it holds. In
 * a key part ({@link pathText}) a value keeps only `A-Z a-z 0-9 . _ = -`, so
 * it adds no folder and cannot climb out of one. Throws a TemplateError
 * listing every problem.
 */
export function renderTemplate(text: string, field: string, target: TemplateTarget, scope: TemplateScope): string {
  const types = Object.fromEntries(Object.entries(scope.params).map(([k, v]) => [k, v.type]));
  const parsed = parseTemplate(text, field, target === 'sql');
  const issues: FieldIssue[] = [...parsed.issues];
  let out = '';
  for (const part of parsed.parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const type = tagType(part, types);
    if (!isType(type)) {
      issues.push({ path: field, message: type });
      continue;
    }
    let v: TemplateValue | string = part.ref[0] === 'params' ? scope.params[part.ref[1]!]! : scope.variables[part.ref[0]!]!;
    for (const filter of part.filters) {
      if (typeof v === 'string') break;
      v = applyFilter(v, filter, scope.timezone);
    }
    if (typeof v === 'string') {
      issues.push({ path: field, message: `{{${part.source}}}: ${v}` });
      continue;
    }
    try {
      out += target === 'sql' ? sqlLiteral(v) : pathText(v);
    } catch (e) {
      issues.push({ path: field, message: `{{${part.source}}}: ${(e as Error).message}` });
    }
  }
  if (issues.length > 0) throw new TemplateError(issues);
  return out;
}

/**
 * A value as a SQL literal of its type, the same in DuckDB and Athena
 * (Trino): `'text'` with every `'` doubled (neither treats a backslash as
 * an escape in such strings), `number` as a DOUBLE (`1.5e+0`), `DATE 'YYYY-MM-DD'`, `TIMESTAMP 'YYYY-MM-DD
 * HH:MM:SS.mmm'` (UTC), numbers (negative ones in parentheses, so `x-{{n}}`
 * can never become a `--` comment), TRUE / FALSE.
 *
 * @example sqlLiteral({ type: 'string', value: "it's" }) // "'it''s'"
 */
export function sqlLiteral(v: TemplateValue): string {
  switch (v.type) {
    case 'string':
      if (v.value.includes('\0')) throw new RangeError('text with a NUL character cannot be a SQL literal');
      return `'${v.value.replaceAll("'", "''")}'`;
    case 'int':
    case 'number': {
      if (!Number.isFinite(v.value)) throw new RangeError(`${v.value} is not a finite number`);
      // An exponent makes a DOUBLE literal in both engines, exact to the last digit (a plain 0.1 would be a DECIMAL).
      const text = v.type === 'int' ? String(v.value) : v.value.toExponential();
      return v.value < 0 ? `(${text})` : text;
    }
    case 'boolean':
      return v.value ? 'TRUE' : 'FALSE';
    case 'date':
      return `DATE '${v.value}'`;
    case 'timestamp':
      return `TIMESTAMP '${new Date(v.value).toISOString().replace('T', ' ').replace('Z', '')}'`;
  }
}

/**
 * A value as part of an object key: timestamps as the UTC stamp
 * `YYYYmmddHHMMSS`, everything else as its text; each character outside
 * `A-Z a-z 0-9 . _ = -` becomes `_`, and so does every run of dots longer
 * than one, so no value is, or holds, `/`, `..`, `\` or NUL.
 *
 * @example pathText({ type: 'string', value: '../etc/x' }) // '__etc_x'
 */
export function pathText(v: TemplateValue): string {
  const text = v.type === 'timestamp' ? utcStamp(new Date(v.value)) : valueText(v);
  const safe = text.replace(/[^A-Za-z0-9._=-]/g, '_').replace(/\.{2,}/g, '_');
  return safe === '' || safe === '.' ? '_' : safe;
}
