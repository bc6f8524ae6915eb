import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../src/domain/config.js';
import { curationSchema, parseCuration } from '../src/domain/curation.js';

const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../README.md'), 'utf8');
const jsonBlocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!));

describe('the README stays true', () => {
  it('its definition example is a valid definition', () => {
    expect(() => parseCuration(jsonBlocks[0])).not.toThrow();
  });

  it('its notifications example is a valid config', () => {
    const parsed = configSchema.safeParse(jsonBlocks[1]);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it('documents every field a definition may have', () => {
    const fields = Object.keys(curationSchema.shape);
    expect(fields.length).toBeGreaterThan(10);
    for (const f of fields) expect(readme.includes('`' + f + '`') || readme.includes('`' + f + '.'), f).toBe(true);
  });
});
