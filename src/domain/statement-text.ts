/** What the statement guard needs to know about the raw SQL text before DuckDB sees it. */
export interface StatementText {
  /** The first token after comments: a keyword upper-cased (`SELECT`, `ATTACH`, …) or a symbol such as `(`; undefined for an empty text. */
  readonly firstToken: string | undefined;
  /** The text up to its last significant token, without trailing semicolons and comments, ready to be wrapped. */
  readonly body: string;
  /** True when a `)` closes a parenthesis the text never opened: the shape of an attempt to end a wrapper early. */
  readonly closesUnopenedParen: boolean;
  /** Upper-cased words outside any parentheses, e.g. the INSERT of `WITH x AS (…) INSERT …`. */
  readonly topLevelWords: ReadonlySet<string>;
  /** Semicolons inside `body` (outside quotes and comments): more than zero means more than one statement. */
  readonly separators: number;
}

const WORD_START = /[A-Za-z_]/;
const WORD_PART = /[A-Za-z0-9_$]/;
const DOLLAR_TAG = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/;

/**
 * Scans SQL the way DuckDB's tokenizer does for the parts that matter here
 * (a superset of what Athena's Trino dialect quotes, so it serves both engines):
 * comments (nested block comments included), quoted strings and identifiers,
 * E'' and dollar-quoted strings. It does not parse; DuckDB remains the judge
 * of what the statement is.
 *
 * @example
 * scanStatement('-- daily\nselect 1; -- done').body // '-- daily\nselect 1'
 */
export function scanStatement(sql: string): StatementText {
  let i = 0;
  let depth = 0;
  let closesUnopenedParen = false;
  let firstToken: string | undefined;
  let bodyEnd = 0;
  let semicolons = 0;
  let separators = 0;
  const topLevelWords = new Set<string>();
  while (i < sql.length) {
    const ch = sql[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    if (ch === '-' && sql[i + 1] === '-') {
      const newline = sql.indexOf('\n', i);
      i = newline < 0 ? sql.length : newline + 1;
      continue;
    }
    if (ch === '/' && sql[i + 1] === '*') {
      i = skipBlockComment(sql, i);
      continue;
    }
    const start = i;
    const dollar = ch === '$' ? DOLLAR_TAG.exec(sql.slice(i)) : null;
    if (ch === "'" || ch === '"') {
      i = skipQuoted(sql, i, false);
    } else if ((ch === 'e' || ch === 'E') && sql[i + 1] === "'") {
      i = skipQuoted(sql, i + 1, true);
    } else if (dollar) {
      const close = sql.indexOf(dollar[0], i + dollar[0].length);
      i = close < 0 ? sql.length : close + dollar[0].length;
    } else if (WORD_START.test(ch)) {
      while (i < sql.length && WORD_PART.test(sql[i] as string)) i += 1;
      if (depth === 0) topLevelWords.add(sql.slice(start, i).toUpperCase());
    } else {
      i += 1;
      if (ch === '(') depth += 1;
      if (ch === ')' && --depth < 0) closesUnopenedParen = true;
    }
    const token = sql.slice(start, i);
    firstToken ??= WORD_START.test(ch) ? token.toUpperCase() : token;
    if (token === ';') {
      semicolons += 1;
    } else {
      bodyEnd = i;
      separators = semicolons;
    }
  }
  return { firstToken, body: sql.slice(0, bodyEnd), closesUnopenedParen, topLevelWords, separators };
}

/** Index just past the comment opened at `from`; block comments nest as in PostgreSQL and DuckDB. */
function skipBlockComment(sql: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth += 1;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  return sql.length;
}

/** Index just past the quoted text opened at `from`; a doubled quote is an escaped quote, and so is `\'` in E'' strings. */
function skipQuoted(sql: string, from: number, backslashEscapes: boolean): number {
  const quote = sql[from];
  let i = from + 1;
  while (i < sql.length) {
    const ch = sql[i];
    if (backslashEscapes && ch === '\\') {
      i += 2;
    } else if (ch === quote) {
      if (sql[i + 1] !== quote) return i + 1;
      i += 2;
    } else {
      i += 1;
    }
  }
  return sql.length;
}
