import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adp, cleanup, tempDir } from '../helpers/cli.js';

// `adp init` flags for the drivers and script sources, refused before anything is written.
describe('adp init: driver and scripts flags', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
  });
  afterAll(() => cleanup(dir));

  const refused = async (args: string[], message: RegExp) => {
    const home = path.join(dir, `h${Math.random().toString(36).slice(2)}`);
    const r = await adp(['--home', home, 'init', ...args]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(fs.existsSync(home)).toBe(false);
  };

  it('--driver aws needs --prefix, in the sample’s form', async () => {
    await refused(['--driver', 'aws'], /--prefix: --driver aws needs the environment prefix/);
    await refused(['--driver', 'aws', '--prefix', 'Wild_Rydes'], /--prefix: 'Wild_Rydes' must be 3-20 characters of a-z 0-9 -/);
    await refused(['--driver', 'aws', '--prefix', 'wildrydes-dev-', '--region', 'europe'], /--region: 'europe' is not an AWS region/);
  });

  it('--prefix and --region belong to aws, --database-url to postgres', async () => {
    await refused(['--driver', 'embedded', '--prefix', 'wildrydes-dev-'], /--prefix: only --driver aws uses it/);
    await refused(['--driver', 'aws', '--prefix', 'wildrydes-dev-', '--database-url', 'postgres://x@127.0.0.1/db'], /--database-url: only --driver postgres/);
  });

  it('--scripts takes codecommit:<repository> or an https URL without credentials', async () => {
    await refused(['--scripts', 'svn://example'], /--scripts: expected codecommit:<repository> or an https:\/\/ git URL/);
    await refused(['--scripts', 'https://user:pw@git.example.com/s.git'], /--scripts: keep credentials out of the URL/);
  });

  it('--scripts with an https remote writes it to the config and makes no local scripts repository', async () => {
    const home = path.join(dir, 'remote');
    const r = await adp(['--home', home, 'init', '--scripts', 'https://git.example.com/data/scripts.git']);
    expect(r.code, r.stderr).toBe(0);
    const config = JSON.parse(fs.readFileSync(path.join(home, 'adp.config.json'), 'utf8'));
    expect(config).toMatchObject({ driver: 'embedded', scripts: { url: 'https://git.example.com/data/scripts.git', branch: 'main' } });
    expect(fs.existsSync(path.join(home, 'scripts', '.git'))).toBe(false);
  });
});
