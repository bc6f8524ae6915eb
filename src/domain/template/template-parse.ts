import type { FieldIssue } from '../errors.js';

/** A filter of a tag: `upper`, `date('YYYY-MM-DD')`. */
export interface TemplateFilter {
  readonly name: string;
  readonly arg?: string;
}

/** One `{{ … }}`: a variable (`scheduled_time`) or a parameter (`params.region`), then filters. */
export interface TemplateTag {
  readonly source: string;
  /** `['scheduled_time']` or `['params', 'region']` (any other shape is refused when checked). */
  readonly ref: readonly string[];
  readonly filters: readonly TemplateFilter[];
}

export type TemplatePart = string | TemplateTag;

/** A parsed text, or the problems that stop it from parsing. */
export interface ParsedTemplate {
  readonly parts: readonly TemplatePart[];
  readonly issues: readonly FieldIssue[];
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * Parses the body of a tag: `ref ( '|' filter ( '(' 'text' ')' )? )*`.
 * Returns the tag, or a message saying what is wrong with it.
 */
export function parseTag(source: string): TemplateTag | string {
  let rest = source.trim();
  const ident = (): string | undefined => {
    const m = IDENT.exec(rest);
    if (!m) return undefined;
    rest = rest.slice(m[0].length).trimStart();
    return m[0];
  };
  const ref: string[] = [];
  const first = ident();
  if (!first) return `expected a variable name in {{${source}}}`;
  ref.push(first);
  while (rest.startsWith('.')) {
    rest = rest.slice(1).trimStart();
    const next = ident();
    if (!next) return `expected a name after "." in {{${source}}}`;
    ref.push(next);
  }
  const filters: TemplateFilter[] = [];
  while (rest.startsWith('|')) {
    rest = rest.slice(1).trimStart();
    const name = ident();
    if (!name) return `expected a filter name after "|" in {{${source}}}`;
    if (!rest.startsWith('(')) {
      filters.push({ name });
      continue;
    }
    rest = rest.slice(1).trimStart();
    const quote = rest[0];
    if (quote !== "'" && quote !== '"') return `filter ${name}: its argument must be quoted text, e.g. ${name}('YYYY-MM-DD')`;
    const end = rest.indexOf(quote, 1);
    if (end < 0) return `filter ${name}: unclosed ${quote} in {{${source}}}`;
    const arg = rest.slice(1, end);
    rest = rest.slice(end + 1).trimStart();
    if (!rest.startsWith(')')) return `filter ${name}: expected ")" after its argument in {{${source}}}`;
    rest = rest.slice(1).trimStart();
    filters.push({ name, arg });
  }
  if (rest !== '') return `unexpected "${rest.slice(0, 20)}" in {{${source}}}`;
  return { source: source.trim(), ref, filters };
}

/** Where the scanner of SQL text is: code, or inside something whose text is not SQL code. */
type SqlState = 'code' | 'quoted' | 'comment';

/**
 * The index after the quoted string, identifier or comment opening at `i`,
 * and what it is, or undefined when `i` opens none. Follows DuckDB's tokenizer
 * for the parts that matter (a superset of Trino's): '' and "" doubling, E''
 * backslash escapes, $tag$ strings, -- and nested block comments.
 */
function skipNonCode(sql: string, i: number): { end: number; state: Exclude<SqlState, 'code'> } | undefined {
  const ch = sql[i];
  if (ch === '-' && sql[i + 1] === '-') {
    const nl = sql.indexOf('\n', i);
    return { end: nl < 0 ? sql.length : nl + 1, state: 'comment' };
  }
  if (ch === '/' && sql[i + 1] === '*') {
    let depth = 0;
    let j = i;
    while (j < sql.length) {
      if (sql[j] === '/' && sql[j + 1] === '*') (depth += 1), (j += 2);
      else if (sql[j] === '*' && sql[j + 1] === '/') {
        depth -= 1;
        j += 2;
        if (depth === 0) break;
      } else j += 1;
    }
    return { end: j, state: 'comment' };
  }
  const escapes = (ch === 'e' || ch === 'E') && sql[i + 1] === "'" && !/[A-Za-z0-9_$]/.test(sql[i - 1] ?? ' ');
  if (ch === "'" || ch === '"' || escapes) {
    const quote = escapes ? "'" : ch;
    let j = escapes ? i + 2 : i + 1;
    while (j < sql.length) {
      if (escapes && sql[j] === '\\') j += 2;
      else if (sql[j] === quote) {
        if (sql[j + 1] === quote) j += 2;
        else return { end: j + 1, state: 'quoted' };
      } else j += 1;
    }
    return { end: sql.length, state: 'quoted' };
  }
  if (ch === '$' && !/[A-Za-z0-9_$]/.test(sql[i - 1] ?? ' ')) {
    const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
    if (tag) {
      const close = sql.indexOf(tag[0], i + tag[0].length);
      return { end: close < 0 ? sql.length : close + tag[0].length, state: 'quoted' };
    }
  }
  return undefined;
}

/**
 * Splits `text` into literal text and `{{ … }}` tags. In SQL (`sql: true`)
 * tags are read only in code: text in comments is left as it is, and a tag
 * inside quotes is refused (values are quoted for you; write
 * `x = {{ params.region }}`, not `x = '{{ params.region }}'`). A `{{`
 * without its `}}`, or a tag that does not parse, is an issue at `field`.
 *
 * @example parseTemplate("where region = {{ params.region | upper }}", 'sql', true).parts
 * // ['where region = ', { source: 'params.region | upper', ref: ['params', 'region'], filters: [{ name: 'upper' }] }]
 */
export function parseTemplate(text: string, field: string, sql: boolean): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const issues: FieldIssue[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    if (sql) {
      const skipped = skipNonCode(text, i);
      if (skipped) {
        const chunk = text.slice(i, skipped.end);
        if (skipped.state === 'quoted') {
          for (const m of chunk.matchAll(/\{\{([^{}]*)\}\}/g)) {
            if (typeof parseTag(m[1]!) !== 'string') {
              issues.push({ path: field, message: `{{${m[1]}}} is inside quotes: remove the quotes around it (values are quoted for you)` });
            }
          }
        }
        literal += chunk;
        i = skipped.end;
        continue;
      }
    }
    if (text.startsWith('{{', i)) {
      const end = text.indexOf('}}', i + 2);
      if (end < 0) {
        issues.push({ path: field, message: `"{{" at character ${i + 1} is never closed with "}}"` });
        literal += text.slice(i);
        break;
      }
      const tag = parseTag(text.slice(i + 2, end));
      if (typeof tag === 'string') issues.push({ path: field, message: tag });
      else {
        if (literal) parts.push(literal);
        literal = '';
        parts.push(tag);
      }
      i = end + 2;
      continue;
    }
    literal += text[i];
    i += 1;
  }
  if (literal) parts.push(literal);
  return { parts, issues };
}

/** True when `text` holds a `{{`: only such texts are templates (everything else renders as itself). */
export function hasTemplate(text: string): boolean {
  return text.includes('{{');
}
