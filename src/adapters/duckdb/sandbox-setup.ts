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
 * First half of the sandbox: only `readableDirs` and `stagingDir` reachable,
 * no extension install or autoload, bounded memory and threads, spill files
 * inside staging, external access off. The configuration stays open so the
 * catalog views can be created next; {@link lockConfiguration} closes it.
 */
export async function applySandbox(connection: DuckDBConnection, limits: SandboxLimits): Promise<void> {
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
  const statements = [
    `SET allowed_directories = [${roots.join(', ')}]`,
    'SET autoinstall_known_extensions = false',
    'SET autoload_known_extensions = false',
    ...(limits.memoryLimit === undefined ? [] : [`SET memory_limit = ${quoteString(limits.memoryLimit)}`]),
    ...(limits.threads === undefined ? [] : [`SET threads = ${limits.threads}`]),
    `SET temp_directory = ${quoteString(tempDir)}`,
    'SET enable_external_access = false',
  ];
  // One round trip for all of them; should one fail, they run again one at a time to name it (a SET repeated is harmless).
  try {
    await connection.run(statements.join(';\n'));
    return;
  } catch {
    // named below
  }
  for (const sql of statements) {
    try {
      await connection.run(sql);
    } catch (e) {
      throw new ConfigError(`query engine sandbox setup failed at "${sql}": ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
}

/** Second half of the sandbox: from here on no statement on any connection can change a setting. */
export async function lockConfiguration(connection: DuckDBConnection): Promise<void> {
  await connection.run('SET lock_configuration = true');
}

function withSeparator(dir: string): string {
  return dir.endsWith(path.sep) ? dir : dir + path.sep;
}
