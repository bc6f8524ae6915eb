import { StatementType } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBExtractedStatements, DuckDBPreparedStatement } from '@duckdb/node-api';
import { QueryFailedError } from '../../domain/errors.js';
import { sandboxError, toEngineError } from './duckdb-errors.js';
import { scanStatement } from './statement-text.js';

const QUERY_STARTS = new Set(['SELECT', 'WITH', 'FROM', 'VALUES', '(']);
/** Statement verbs that name a refused statement when DuckDB fails to prepare it (and so cannot tell its type). */
const REFUSED_VERBS = [
  'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'TRUNCATE', 'CREATE', 'DROP', 'ALTER', 'COPY', 'EXPORT', 'IMPORT',
  'ATTACH', 'DETACH', 'INSTALL', 'LOAD', 'PRAGMA', 'SET', 'RESET', 'USE', 'CALL', 'VACUUM', 'CHECKPOINT',
];
/**
 * Every DuckDB keyword that opens a statement other than a query: a text
 * starting with one is refused as it stands, whatever follows (even text
 * DuckDB could not parse). Each is a DuckDB keyword (`duckdb_keywords()`).
 */
export const STATEMENT_KEYWORDS: ReadonlySet<string> = new Set([
  ...REFUSED_VERBS,
  'SHOW', 'DESCRIBE', 'DESC', 'SUMMARIZE', 'EXPLAIN', 'PIVOT', 'PIVOT_WIDER', 'PIVOT_LONGER', 'UNPIVOT', 'TABLE',
  'PREPARE', 'EXECUTE', 'DEALLOCATE', 'BEGIN', 'START', 'COMMIT', 'END', 'ROLLBACK', 'ABORT', 'TRANSACTION',
  'ANALYZE', 'COMMENT', 'FORCE', 'REPLACE', 'GRANT', 'REVOKE', 'DECLARE', 'FETCH', 'CLOSE', 'LISTEN', 'NOTIFY',
  'UNLISTEN', 'CLUSTER', 'REINDEX', 'LOCK', 'DISCARD', 'SECRET', 'MACRO',
]);
const WORD = /^[A-Z_][A-Z0-9_$]*$/;

/** A result column as DuckDB will write it. */
export interface ResultColumn {
  readonly name: string;
  readonly type: string;
}

/** The user's SQL once it is known to be exactly one SELECT. */
export interface CheckedQuery {
  /** The statement without trailing semicolons and comments, safe to wrap in parentheses. */
  readonly body: string;
  readonly columns: readonly ResultColumn[];
}

/**
 * Refuses anything but exactly one read-only query, before it runs: the first
 * keyword must open a query (a first word that is no keyword at all, such as
 * a mistyped `SELEC`, is a syntax error that DuckDB locates, not a sandbox
 * violation), DuckDB must find exactly one statement, and that
 * statement must prepare as a SELECT (PRAGMA, SHOW and DESCRIBE also prepare
 * as SELECT, hence the keyword check). Preparing also binds it, so unknown
 * tables and columns and files outside the sandbox are reported here; the
 * text's own tokens only ever decide how a failure is reported, never
 * whether a statement may run.
 */
export async function checkQuery(connection: DuckDBConnection, sql: string): Promise<CheckedQuery> {
  const text = scanStatement(sql);
  if (text.firstToken === undefined) {
    throw new QueryFailedError('the query is empty: a curation runs exactly one SELECT or WITH query');
  }
  if (!QUERY_STARTS.has(text.firstToken)) {
    const refused = sandboxError(`only a single SELECT or WITH query may run; got ${text.firstToken}`);
    if (STATEMENT_KEYWORDS.has(text.firstToken) || !WORD.test(text.firstToken)) throw refused;
    // No statement starts with this word: DuckDB's parser reports the typo and where it is. Nothing runs either way.
    try {
      await connection.extractStatements(sql);
    } catch (e) {
      throw toEngineError(e, sql);
    }
    throw refused;
  }
  let count: number;
  let extracted: DuckDBExtractedStatements;
  try {
    extracted = await connection.extractStatements(sql);
    count = extracted.count;
  } catch (e) {
    if (text.closesUnopenedParen) throw sandboxError('the query closes a parenthesis it never opened', e);
    throw toEngineError(e, sql);
  }
  if (count !== 1) throw sandboxError(`found ${count} statements; a curation runs exactly one`);
  let prepared: DuckDBPreparedStatement;
  try {
    prepared = await extracted.prepare(0);
  } catch (e) {
    // Binding failed, so DuckDB never said what the statement is: `WITH x AS (…) INSERT INTO view …` lands here.
    const verb = REFUSED_VERBS.find((v) => text.topLevelWords.has(v));
    throw verb ? sandboxError(`only a single SELECT or WITH query may run; got ${verb}`, e) : toEngineError(e, sql);
  }
  try {
    if (prepared.statementType !== StatementType.SELECT) {
      throw sandboxError(`only a single SELECT or WITH query may run; got ${StatementType[prepared.statementType]}`);
    }
    const columns: ResultColumn[] = [];
    for (let i = 0; i < prepared.columnCount; i += 1) {
      columns.push({ name: prepared.columnName(i), type: prepared.columnType(i).toString() });
    }
    return { body: text.body, columns };
  } finally {
    prepared.destroySync();
  }
}

/**
 * Prepares a statement the engine built around a checked query and proves it
 * is still exactly one statement of the expected type: a comment or quote
 * that swallowed part of the wrapper would show here.
 */
export async function prepareWrapped(
  connection: DuckDBConnection,
  sql: string,
  expected: StatementType,
): Promise<DuckDBPreparedStatement> {
  let extracted: DuckDBExtractedStatements;
  try {
    extracted = await connection.extractStatements(sql);
  } catch (e) {
    throw sandboxError('the query does not stay inside the statement it is wrapped in', e);
  }
  if (extracted.count !== 1) throw sandboxError('the query does not stay inside the statement it is wrapped in');
  const prepared = await prepareOrThrow(() => extracted.prepare(0));
  if (prepared.statementType !== expected) {
    prepared.destroySync();
    throw sandboxError('the query does not stay inside the statement it is wrapped in');
  }
  return prepared;
}

async function prepareOrThrow(prepare: () => Promise<DuckDBPreparedStatement>): Promise<DuckDBPreparedStatement> {
  try {
    return await prepare();
  } catch (e) {
    throw toEngineError(e);
  }
}
