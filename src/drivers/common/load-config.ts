import fs from 'node:fs/promises';
import { configSchema, type AdpConfig } from '../../domain/config.js';
import { ConfigError, StateError, ValidationError } from '../../domain/errors.js';
import { parseOrThrow } from '../../domain/zod-issues.js';

/** Reads and validates `adp.config.json`; a missing file means the home was never initialised. */
export async function loadConfig(file: string): Promise<AdpConfig> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new StateError(`no adp project at ${file.replace(/\/adp\.config\.json$/, '')}: run \`adp init\` there, or pass --home DIR`);
    }
    throw e;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  try {
    return parseOrThrow(configSchema, json, 'config');
  } catch (e) {
    if (e instanceof ValidationError) throw new ConfigError(e.issues.map((i) => `${file}: ${i.path}: ${i.message}`).join('\n'));
    throw e;
  }
}
