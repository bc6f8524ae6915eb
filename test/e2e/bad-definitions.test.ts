import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adp, cleanup, tempDir } from '../helpers/cli.js';
import { sampleDefinition } from '../helpers/definitions.js';

type Patch = (d: Record<string, any>) => void;

/** One case per class of bad definition: what to break, and the field the error must name. */
const CASES: [string, Patch, RegExp][] = [
  ['missing required field', (d) => delete d.outputDetails.outputBucket, /^outputDetails\.outputBucket: required$/m],
  ['missing curationType', (d) => delete d.curationType, /^curationType: required$/m],
  ['wrong type', (d) => (d.athenaDetails.deleteAthenaQueryFile = 'no'), /^athenaDetails\.deleteAthenaQueryFile: must be a boolean/m],
  ['unknown field', (d) => (d.outputDetails.fileName = 'x'), /^outputDetails\.fileName: unknown field/m],
  ['unknown top-level field', (d) => (d.cronExpresion = 'cron(0 1 * * ? *)'), /^cronExpresion: unknown field/m],
  ['invalid name', (d) => (d.curationType = 'bad name!'), /^curationType: must be 1-64 characters/m],
  ['name "."', (d) => (d.curationType = '..'), /^curationType: must not be "\." or "\.\."/m],
  ['name too long', (d) => (d.curationType = 'a'.repeat(65)), /^curationType: /m],
  ['path traversal in sqlFilePath', (d) => (d.sqlFilePath = '../secrets.sql'), /^sqlFilePath: must stay inside/m],
  ['absolute sqlFilePath', (d) => (d.sqlFilePath = '/etc/passwd'), /^sqlFilePath: must be relative/m],
  ['traversal in outputFolderPath', (d) => (d.outputDetails.outputFolderPath = 'a/../../b/'), /^outputDetails\.outputFolderPath: /m],
  ['traversal in athenaOutputFolderPath', (d) => (d.athenaDetails.athenaOutputFolderPath = '../x/'), /^athenaDetails\.athenaOutputFolderPath: /m],
  ['traversal in bucket', (d) => (d.outputDetails.outputBucket = '../etc'), /^outputDetails\.outputBucket: must be 3-63/m],
  ['slash in filename', (d) => (d.outputDetails.filename = 'a/b'), /^outputDetails\.filename: /m],
  ['bad cron syntax', (d) => (d.cronExpression = 'cron(* * * *)'), /^cronExpression: .*6 fields/m],
  ['bad cron value', (d) => (d.cronExpression = 'cron(0 12 ? * 8 *)'), /^cronExpression: day-of-week 8 out of range 1-7/m],
  ['not cron or rate', (d) => (d.cronExpression = 'every day'), /^cronExpression: /m],
  [
    'includeTimestampInFilename without filename',
    (d) => delete d.outputDetails.filename,
    /^outputDetails\.includeTimestampInFilename: requires outputDetails\.filename$/m,
  ],
  ['non-string metadata value', (d) => (d.outputDetails.metadata.quality = 5), /^outputDetails\.metadata\.quality: must be a string/m],
  ['non-string tag value', (d) => (d.outputDetails.tags.pii = false), /^outputDetails\.tags\.pii: must be a string/m],
  ['tables not an array', (d) => (d.glueDetails.tables = 'rydebookings'), /^glueDetails\.tables: must be an array/m],
  ['bad table entry', (d) => (d.glueDetails.tables = ['a.b.c']), /^glueDetails\.tables\[0\]: must be "table" or "database\.table"/m],
];

describe('adp curation put refuses bad definitions by field, and changes nothing', () => {
  let home: string;
  let dir: string;
  beforeAll(async () => {
    home = tempDir();
    dir = tempDir();
    expect((await adp(['--home', home, 'init'])).code).toBe(0);
    const ok = path.join(dir, 'ok.json');
    fs.writeFileSync(ok, JSON.stringify(sampleDefinition()));
    expect((await adp(['--home', home, 'curation', 'put', ok])).code).toBe(0);
  });
  afterAll(() => {
    cleanup(home);
    cleanup(dir);
  });

  it('loads the sample definition unchanged', async () => {
    const r = await adp(['--home', home, 'curation', 'show', 'wildrydes-rydebooking', '--json']);
    expect(JSON.parse(r.stdout).definition).toEqual(sampleDefinition());
  });

  it.each(CASES)('%s', async (_name, patch, expected) => {
    const def = sampleDefinition();
    patch(def);
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify(def));
    const before = await adp(['--home', home, 'curation', 'list', '--json']);
    const r = await adp(['--home', home, 'curation', 'put', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(expected);
    expect(r.stderr.split('\n').length).toBeLessThan(6);
    expect(r.stdout).toBe('');
    const after = await adp(['--home', home, 'curation', 'list', '--json']);
    expect(after.stdout).toBe(before.stdout);
  });

  it('non-JSON input', async () => {
    const r = await adp(['--home', home, 'curation', 'put', '-'], '{"curationType": ');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^standard input: not valid JSON/m);
  });

  it('a JSON value that is not an object', async () => {
    const r = await adp(['--home', home, 'curation', 'put', '-'], '[1,2]');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/must be an object, got an array/);
  });

  it('a missing file names the argument', async () => {
    const r = await adp(['--home', home, 'curation', 'put', path.join(dir, 'nope.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.json: no such file/);
  });

  it('usage errors exit 2', async () => {
    expect((await adp(['--home', home, 'curation', 'frobnicate'])).code).toBe(2);
    expect((await adp(['--home', home, 'history', '--limit', 'lots'])).code).toBe(2);
    expect((await adp(['--home', home, 'history', '--limit', 'lots'])).stderr).toMatch(/--limit: must be a whole number/);
  });

  it('a command outside a project home says how to make one', async () => {
    const empty = tempDir();
    const r = await adp(['--home', empty, 'curation', 'list']);
    cleanup(empty);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/run `adp init`/);
  });
});
