import fs from 'node:fs/promises';
import { ValidationError } from '../domain/errors.js';
import { UsageError } from './exit-codes.js';
import type { CliIo } from './io.js';

/** Reads a JSON document from a file or, for "-", standard input. */
export async function readJsonInput(source: string, io: CliIo): Promise<unknown> {
  let text: string;
  if (source === '-') {
    text = await io.readStdin();
  } else {
    try {
      text = await fs.readFile(source, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(`${source}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : (e as Error).message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const where = source === '-' ? 'standard input' : source;
    throw new ValidationError([{ path: '', message: `${where}: not valid JSON (${(e as Error).message})` }]);
  }
}
