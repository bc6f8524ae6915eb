/** Moved to the domain (pure SQL-text logic shared by the DuckDB and Athena engines); kept so existing imports resolve. */
export { scanStatement, type StatementText } from '../../domain/statement-text.js';
