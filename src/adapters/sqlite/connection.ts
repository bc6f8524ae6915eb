import Database from 'better-sqlite3';
import { ConfigError } from '../../domain/errors.js';

/** The better-sqlite3 connection type, named once so other files need not know the package's type layout. */
export type SqliteDatabase = Database.Database;

/** How long a writer waits for another process's lock before giving up with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating if needed) an SQLite file with the settings the state store
 * relies on: WAL so readers never block the writer, synchronous=NORMAL (safe
 * in WAL mode, far fewer fsyncs), a busy timeout for concurrent processes,
 * and foreign keys enforced. `':memory:'` is accepted (it cannot use WAL).
 *
 * @throws ConfigError naming the file when it cannot be opened or is not a database.
 */
export function openConnection(file: string): SqliteDatabase {
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    // The first statement reads the header, so a file that is not a database fails here.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('foreign_keys = ON');
    return db;
  } catch (e) {
    db?.close();
    const reason = e instanceof Error ? e.message : String(e);
    throw new ConfigError(
      `cannot open state database '${file}': ${reason}. Check that its folder exists and that the file is an adp state database (adp init creates one).`,
      { cause: e },
    );
  }
}
