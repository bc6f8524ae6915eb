import fs from 'node:fs';
import path from 'node:path';

/** The sample's own definition file, loaded as-is. */
export const SAMPLE_DEFINITION_FILE = path.resolve(import.meta.dirname, '../fixtures/ddbCurationDetailsConfig.json');

export function sampleDefinition(): Record<string, any> {
  return JSON.parse(fs.readFileSync(SAMPLE_DEFINITION_FILE, 'utf8'));
}

/** A definition for the example home that runs `sqlFilePath`, written to a file in `dir`. */
export function writeDefinition(dir: string, patch: Record<string, unknown>): string {
  const def = { ...sampleDefinition(), ...patch };
  const file = path.join(dir, `${String(def.curationType)}.json`);
  fs.writeFileSync(file, JSON.stringify(def));
  return file;
}
