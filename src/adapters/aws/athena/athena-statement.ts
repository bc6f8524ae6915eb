import { QueryFailedError, SandboxError } from '../../../domain/errors.js';
import { scanStatement } from '../../../domain/statement-text.js';

/** First tokens of a read-only query in Athena's (Trino's) SQL. */
const QUERY_STARTS = new Set(['SELECT', 'WITH', 'VALUES', '(']);

/**
 * The query text Athena is given: exactly one SELECT/WITH query, without
 * trailing semicolons and comments. Anything else (DDL, INSERT, UNLOAD,
 * CREATE TABLE AS, several statements) is refused before it reaches Athena:
 * a curation must never change the lake.
 *
 * @example
 * athenaQueryBody('select * from rydebookings; -- daily') // 'select * from rydebookings'
 * athenaQueryBody('drop table rydebookings')              // throws SandboxError
 */
export function athenaQueryBody(sql: string): string {
  const text = scanStatement(sql);
  // Only semicolons and comments leave an empty body: an empty query, not a forbidden one.
  if (text.firstToken === undefined || text.body.trim() === '') {
    throw new QueryFailedError('the query is empty: a curation runs exactly one SELECT or WITH query');
  }
  if (!QUERY_STARTS.has(text.firstToken)) {
    throw new SandboxError(`Athena: only a single SELECT or WITH query may run; got ${text.firstToken}`);
  }
  if (text.separators > 0) {
    throw new SandboxError(`Athena: found ${text.separators + 1} statements; a curation runs exactly one`);
  }
  return text.body;
}
