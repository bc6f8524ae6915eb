import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../../src/drivers/open-project.js';
import { homeLayout } from '../../src/drivers/common/home.js';
import { adp, cleanup, exampleHome } from '../helpers/cli.js';

const RANGE = ['--from', '2027-01-01T00:00:00Z', '--to', '2027-01-01T01:00:00Z'];
const RULE = 'curationType: must be 1-64 characters of A-Z a-z 0-9 . _ -';

describe('adp run / adp backfill refuse what cannot be queued', () => {
  let home: string;
  beforeAll(async () => {
    home = await exampleHome(20);
  });
  afterAll(() => cleanup(home));

  it.each([
    ['run', []],
    ['run', ['--wait']],
    ['run', ['--json']],
    ['backfill', RANGE],
  ])('`adp %s <unknown> %s` exits 2 naming the curation and what to do', async (command, extra) => {
    const r = await adp(['--home', home, command, 'typo-never-existed', ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("adp: curation 'typo-never-existed' not found: see `adp curation list`\n");
    expect(r.stdout).toBe('');
  });

  it.each([
    ['run', 'bad name/x', []],
    ['run', 'x'.repeat(65), ['--wait']],
    ['run', '..', []],
    ['backfill', 'bad name/x', RANGE],
  ])('`adp %s %j` exits 2 naming the argument and the rule', async (command, name, extra) => {
    const r = await adp(['--home', home, command, name, ...extra]);
    expect(r.code).toBe(2);
    const rule = name === '..' ? 'curationType: must not be "." or ".."' : RULE;
    expect(r.stderr).toBe(`${rule} (got ${JSON.stringify(name)})\n`);
    expect(r.stdout).toBe('');
  });

  it('queued nothing: no history record, no active run', async () => {
    const history = await adp(['--home', home, 'history', '--json']);
    expect(history.code).toBe(0);
    expect(JSON.parse(history.stdout)).toEqual([]);
    const project = await openProject(homeLayout(home));
    try {
      expect(await project.state.listActiveRuns()).toEqual([]);
    } finally {
      await project.close();
    }
  });
});
