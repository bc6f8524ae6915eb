import { describe, expect, it } from 'vitest';
import { StateError } from '../../domain/errors.js';
import { parseBatchOutput } from './git-cat-file.js';

const id = 'a'.repeat(40);

describe('parseBatchOutput', () => {
  it('splits answers by their sizes, whatever the content holds', () => {
    const content = 'line one\nabc missing\n';
    const out = Buffer.from(`${id} blob ${Buffer.byteLength(content)}\n${content}\nHEAD:nope missing\nabc ambiguous\n${id} commit 2\nok\n`);
    const entries = parseBatchOutput(out, 4);
    expect(entries).toEqual([
      { found: true, id, type: 'blob', content: Buffer.from(content) },
      { found: false, reason: 'missing' },
      { found: false, reason: 'ambiguous' },
      { found: true, id, type: 'commit', content: Buffer.from('ok') },
    ]);
  });

  it('counts sizes in bytes, not characters', () => {
    const content = 'sélect 1';
    const entries = parseBatchOutput(Buffer.from(`${id} blob ${Buffer.byteLength(content)}\n${content}\n`), 1);
    expect(entries[0]).toMatchObject({ content: Buffer.from(content) });
  });

  it('refuses output with fewer answers than questions', () => {
    expect(() => parseBatchOutput(Buffer.from(`${id} blob 1\nx\n`), 2)).toThrow(StateError);
  });
});
