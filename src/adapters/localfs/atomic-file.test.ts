import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STAGING_NAME, linkFileAtomic, linkFileIfAbsent, stagingPathFor, writeFileAtomic } from './atomic-file.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adp-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('atomic file writes', () => {
  it('stage next to the target under a hidden name the listings recognise', () => {
    const staging = stagingPathFor(path.join(dir, 'out.csv'));
    expect(path.dirname(staging)).toBe(dir);
    expect(path.basename(staging)).toMatch(STAGING_NAME);
    expect(STAGING_NAME.test('out.csv')).toBe(false);
    expect(stagingPathFor(path.join(dir, 'out.csv'))).not.toBe(staging);
  });

  it('write and copy whole files and return their size', async () => {
    const a = path.join(dir, 'a.txt');
    expect(await writeFileAtomic(a, 'hello')).toBe(5);
    expect(await writeFileAtomic(a, new Uint8Array([1, 2, 3]))).toBe(3);
    expect(await linkFileAtomic(a, path.join(dir, 'b.txt'))).toBe(3);
    expect(fs.readFileSync(path.join(dir, 'b.txt'))).toEqual(Buffer.from([1, 2, 3]));
    expect(fs.readdirSync(dir).sort()).toEqual(['a.txt', 'b.txt']);
  });

  it('remove the staging file when the final rename fails', async () => {
    const target = path.join(dir, 'taken');
    fs.mkdirSync(path.join(target, 'child'), { recursive: true });
    const source = path.join(dir, 'src.txt');
    fs.writeFileSync(source, 'x');
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow();
    await expect(linkFileAtomic(source, target)).rejects.toThrow();
    expect(fs.readdirSync(dir).sort()).toEqual(['src.txt', 'taken']);
  });

  it('remove the staging file when the copy fails', async () => {
    await expect(linkFileAtomic(path.join(dir, 'missing'), path.join(dir, 'out'))).rejects.toThrow();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('link only to a free name, accept the same file again, and leave another file alone', async () => {
    const mine = path.join(dir, 'mine');
    const theirs = path.join(dir, 'theirs');
    const target = path.join(dir, 'target');
    fs.writeFileSync(mine, 'abc');
    fs.writeFileSync(theirs, 'abc');
    expect(await linkFileIfAbsent(mine, target)).toBe(3);
    expect(await linkFileIfAbsent(mine, target)).toBe(3);
    expect(await linkFileIfAbsent(theirs, target)).toBeUndefined();
    expect(fs.statSync(target).ino).toBe(fs.statSync(mine).ino);
    expect(fs.readdirSync(dir).sort()).toEqual(['mine', 'target', 'theirs']);
    await expect(linkFileIfAbsent(path.join(dir, 'missing'), path.join(dir, 'other'))).rejects.toThrow();
  });

  it('let exactly one of many concurrent callers take a name', async () => {
    const sources = Array.from({ length: 8 }, (_, i) => path.join(dir, `s${i}`));
    sources.forEach((s, i) => fs.writeFileSync(s, String(i)));
    const sizes = await Promise.all(sources.map((s) => linkFileIfAbsent(s, path.join(dir, 'target'))));
    expect(sizes.filter((s) => s !== undefined)).toEqual([1]);
    const winner = sources[sizes.findIndex((s) => s !== undefined)]!;
    expect(fs.readFileSync(path.join(dir, 'target'), 'utf8')).toBe(fs.readFileSync(winner, 'utf8'));
  });
});
