import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adp, cleanup, exampleHome, tempDir } from '../helpers/cli.js';
import { commitScript } from '../helpers/git.js';
import { writeDefinition } from '../helpers/definitions.js';

describe('adp validate: a dry run of every check', () => {
  let home: string;
  let dir: string;
  beforeAll(async () => {
    home = await exampleHome(20);
    dir = tempDir();
  });
  afterAll(() => {
    cleanup(home);
    cleanup(dir);
  });

  it('passes the registered sample and prints the plan on request', async () => {
    const r = await adp(['--home', home, 'validate', 'wildrydes-rydebooking', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(true);
    expect(out.checks.map((c: any) => c.check)).toEqual(['definition', 'catalog', 'buckets', 'script', 'query']);
    const plan = await adp(['--home', home, 'validate', 'wildrydes-rydebooking', '--plan']);
    expect(plan.stdout).toMatch(/READ_JSON|JSON/i);
  });

  it('reports every failing check of a definition file, and exits 2', async () => {
    commitScript(home, 'v/bad.sql', 'select missing_col from wildrydes.rydebookings');
    const file = writeDefinition(dir, {
      curationType: 'v-bad',
      sqlFilePath: 'v/bad.sql',
      glueDetails: { database: 'wildrydes', tables: ['rydebookings', 'ghost'] },
      outputDetails: { outputBucket: 'no-such-bucket' },
    });
    const r = await adp(['--home', home, 'validate', file, '--json']);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout);
    const failed = Object.fromEntries(out.checks.filter((c: any) => !c.ok).map((c: any) => [c.check, c.detail]));
    expect(failed.catalog).toMatch(/glueDetails\.tables\[1\]/);
    expect(failed.buckets).toMatch(/outputDetails\.outputBucket: bucket 'no-such-bucket' does not exist/);
    expect(failed.query).toMatch(/missing_col/);
  });

  it('does not register or run anything', async () => {
    const list = await adp(['--home', home, 'curation', 'list', '--json']);
    expect(JSON.parse(list.stdout).map((c: any) => c.curationType)).toEqual(['wildrydes-rydebooking']);
    const history = await adp(['--home', home, 'history', '--json']);
    expect(JSON.parse(history.stdout)).toEqual([]);
  });

  it('an unknown curation name is a usage error', async () => {
    const r = await adp(['--home', home, 'validate', 'nothing-here']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/curation 'nothing-here' not found/);
  });
});
