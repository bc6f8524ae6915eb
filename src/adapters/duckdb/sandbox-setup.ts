import fs from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ConfigError } from '../../domain/errors.js';
import { quoteString } from './sql-literals.js';

/** What the sandbox lets a query touch and use. */
export interface SandboxLimits {
  /** Absolute directories queries may read (catalog table locations); DuckDB also lets them be written, but every write is refused earlier. */
  readonly readableDirs: readonly string[];
  /** Absolute directory for result files and DuckDB's spill files. */
  readonly stagingDir: string;
  /** DuckDB memory limit, e.g. `'2GB'`. */
  readonly memoryLimit?: string;
  readonly threads?: number;
}

/**
 * Sets the sandbox up on a fresh instance: only `readableDirs` and
 * `stagingDir` reachable, no extension install or autoload, bounded memory
 * and threads, spill files inside staging, external access off; then runs
 * `setup` (the catalog's schemas), locks the configuration so no statement on
 * any connection can change a setting again, and returns the name of the
 * instance's catalog. One round trip to DuckDB; should it fail, the steps run
 * again one at a time so the error names the statement (a SET repeated is
 * harmless, and the lock comes last).
 */
export async function setUpSandbox(connection: DuckDBConnection, limits: SandboxLimits, setup: readonly string[]): Promise<string> {
  if (!path.isAbsolute(limits.stagingDir)) {
    throw new ConfigError(`query engine staging directory '${limits.stagingDir}' must be an absolute path`);
  }
  if (limits.threads !== undefined && !(Number.isInteger(limits.threads) && limits.threads >= 1)) {
    throw new ConfigError(`query engine threads must be a positive integer, got ${limits.threads}`);
  }
  const tempDir = path.join(limits.stagingDir, '.duckdb-tmp');
  await fs.mkdir(tempDir, { recursive: true });
  // A trailing separator keeps '/data/t' from also admitting '/data/t-other'.
  const roots = [...new Set([...limits.readableDirs, limits.stagingDir])].map((dir) => quoteString(withSeparator(dir)));
  const settings = [
    `SET allowed_directories = [${roots.join(', ')}]`,
    'SET autoinstall_known_extensions = false',
    'SET autoload_known_extensions = false',
    ...(limits.memoryLimit === undefined ? [] : [`SET memory_limit = ${quoteString(limits.memoryLimit)}`]),
    ...(limits.threads === undefined ? [] : [`SET threads = ${limits.threads}`]),
    `SET temp_directory = ${quoteString(tempDir)}`,
    'SET enable_external_access = false',
  ];
  const catalogName = async (sql: string) => String((await connection.runAndReadAll(sql)).getRowsJS()[0]?.[0]);
  try {
    return await catalogName([...settings, ...setup, LOCK, CATALOG].join(';\n'));
  } catch {
    // named below
  }
  for (const sql of settings) {
    try {
      await connection.run(sql);
    } catch (e) {
      throw new ConfigError(`query engine sandbox setup failed at "${sql}": ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
  if (setup.length > 0) await connection.run(setup.join(';\n'));
  await connection.run(LOCK);
  return catalogName(CATALOG);
}

const LOCK = 'SET lock_configuration = true';
const CATALOG = 'SELECT current_database()';

function withSeparator(dir: string): string {
  return dir.endsWith(path.sep) ? dir : dir + path.sep;
}
