import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { environmentErrorOf } from '../../domain/environment-errors.js';
import { ConfigError, EnvironmentError } from '../../domain/errors.js';
import { addonOption } from './native-addon.js';

/** The better-sqlite3 connection type, named once so other files need not know the package's type layout. */
export type SqliteDatabase = Database.Database;

/** How long a writer waits for another process's lock before giving up with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

/** Options of {@link openConnection}. */
export interface ConnectionOptions {
  /** Open for reading only: nothing is created, changed or migrated. */
  readonly readonly?: boolean;
}

/**
 * Opens (creating if needed) an SQLite file with the settings the state store
 * relies on: WAL so readers never block the writer, synchronous=NORMAL (safe
 * in WAL mode, far fewer fsyncs), a busy timeout for concurrent processes,
 * and foreign keys enforced. `':memory:'` is accepted (it cannot use WAL).
 *
 * @throws EnvironmentError when the file or its folder may not be written (read-only, permissions, disk full).
 * @throws ConfigError naming the file when it cannot be opened or is not a database.
 */
export function openConnection(file: string, options: ConnectionOptions = {}): SqliteDatabase {
  if (options.readonly) return openReadOnly(file);
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS, ...addonOption });
    // The first statement reads the header, so a file that is not a database fails here.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('foreign_keys = ON');
    return db;
  } catch (e) {
    db?.close();
    throw openFailure(e, file);
  }
}

/**
 * The error to raise for `e`, met while opening or first writing `file`:
 * the machine's refusals are EnvironmentErrors saying what to do; anything
 * else means the file is not a usable state database.
 */
export function openFailure(e: unknown, file: string): Error {
  if (e instanceof EnvironmentError || e instanceof ConfigError) return e;
  const code = (e as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && code.startsWith('SQLITE_READONLY')) {
    return new EnvironmentError(
      `state database '${file}' is read-only for this user: commands that change state need write access to it and its folder; ` +
        'read commands (curation list, history, catalog) work without it',
      { cause: e },
    );
  }
  if (code === 'SQLITE_FULL') return new EnvironmentError(`state database '${file}' cannot grow: no space left on the device; free some space, then try again`, { cause: e });
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM') {
    const refusal = accessRefusal(file);
    if (refusal) return refusal;
  }
  const environment = environmentErrorOf(e);
  if (environment) return environment;
  const reason = e instanceof Error ? e.message : String(e);
  return new ConfigError(
    `cannot open state database '${file}': ${reason}. Check that its folder exists and that the file is an adp state database (adp init creates one).`,
    { cause: e },
  );
}

// SQLite says only "unable to open database file"; the file system can say why.
function accessRefusal(file: string): EnvironmentError | undefined {
  if (file === ':memory:') return undefined;
  const dir = path.dirname(path.resolve(file));
  try {
    fs.accessSync(dir, fs.constants.R_OK | fs.constants.X_OK);
    if (fs.existsSync(file)) fs.accessSync(file, fs.constants.R_OK);
  } catch (e) {
    return environmentErrorOf(e);
  }
  return undefined;
}

function openReadOnly(file: string): SqliteDatabase {
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS, ...addonOption });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Reading the schema opens the WAL index, which is where a folder we may not write fails.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (e) {
    db?.close();
    const code = (e as { code?: unknown }).code;
    if ((code === 'SQLITE_READONLY_DIRECTORY' || code === 'SQLITE_CANTOPEN') && fs.existsSync(file) && !fs.existsSync(`${file}-wal`)) {
      const snapshot = readSnapshot(file);
      if (snapshot) return snapshot;
    }
    throw openFailure(e, file);
  }
}

/**
 * A WAL database cannot be opened, even read-only, where its `-shm` index
 * cannot be created (a read-only folder). With no `-wal` file beside it,
 * every committed change is in the main file, so an in-memory copy of that
 * file is the current state; nobody without write access to the folder can
 * be changing it meanwhile. Costs the file's size in memory, for one command.
 */
function readSnapshot(file: string): SqliteDatabase | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  // Header bytes 18–19 say "WAL"; an in-memory copy has no WAL, so mark it a rollback-journal file.
  if (bytes.length >= 100 && bytes[18] === 2 && bytes[19] === 2) {
    bytes[18] = 1;
    bytes[19] = 1;
  }
  try {
    const db = new Database(bytes, { readonly: true, ...addonOption });
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch {
    return undefined;
  }
}
