import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adp, cleanup, exampleHome } from '../helpers/cli.js';
import { headCommit } from '../helpers/git.js';

const ROWS = 400;

describe('the sample curation, end to end on the embedded default', () => {
  let home: string;
  let first: Record<string, any>;

  beforeAll(async () => {
    home = await exampleHome(ROWS);
    const r = await adp(['--home', home, 'run', 'wildrydes-rydebooking', '--wait', '--json']);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(r.code).toBe(0);
    first = JSON.parse(r.stdout);
  });
  afterAll(() => cleanup(home));

  it('records a succeeded run in the sample history shape', () => {
    expect(first).toMatchObject({
      curationType: 'wildrydes-rydebooking',
      status: 'succeeded',
      trigger: 'manual',
      attempt: 1,
      engine: 'duckdb',
      glueDetails: { database: 'wildrydes', tables: ['rydebookings', 'wildrydes-external.ryders'] },
      metadata: { creator: 'Eunice the Unicorn', quality: 'HIGH', sourcesystem: 'Curation Engine Demonstration' },
      tags: { dataOwner: 'Wildrydes', dataSource: 'RydeBookings', pii: 'FALSE' },
    });
    expect(first.curationExecutionName).toMatch(/^\d{14}[A-Z0-9]{6}_wildrydes_rydebooking$/);
    expect(typeof first.timestamp).toBe('number');
    expect(first.sqlSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(first.error).toBeUndefined();
  });

  it('reads the SQL at the head commit of the scripts repository and records it', () => {
    expect(first.scriptFileCommitId).toBe(headCommit(home));
  });

  it('publishes folder + filename + the execution stamp + .csv, with every data row', () => {
    const stamp = first.curationExecutionName.slice(0, 14);
    expect(first.curationOutputLocation).toBe(
      `file://${path.join(home, 'buckets', 'wildrydes-dev-curated', 'wildrydes', `wildrydes${stamp}.csv`)}`,
    );
    const lines = fs.readFileSync(fileURLToPath(first.curationOutputLocation), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toContain('booking_id');
    expect(lines.length - 1).toBe(ROWS);
    expect(first.rowCount).toBe(ROWS);
    expect(first.bytesWritten).toBe(fs.statSync(fileURLToPath(first.curationOutputLocation)).size);
  });

  it('keeps the raw query result (deleteAthenaQueryFile false) and deletes its .metadata file', () => {
    expect(first.queryOutputLocation).toBe(
      `file://${path.join(home, 'buckets', 'wildrydes-dev-athena-output', 'adp', `${first.athenaQueryExecutionId}.csv`)}`,
    );
    const raw = fileURLToPath(first.queryOutputLocation);
    expect(fs.existsSync(raw)).toBe(true);
    expect(fs.existsSync(`${raw}.metadata`)).toBe(false);
  });

  it('leaves no staging files behind', () => {
    const all = fs.readdirSync(path.join(home, 'buckets'), { recursive: true }).map(String);
    expect(all.filter((f) => f.includes('.staging'))).toEqual([]);
    const stagingRoot = path.join(home, '.adp', 'staging');
    const files = fs.readdirSync(stagingRoot, { recursive: true }).map(String);
    expect(files.filter((f) => fs.statSync(path.join(stagingRoot, f)).isFile())).toEqual([]);
  });

  it('lists runs newest first, in a table and as JSON, narrowed by statuses and name, and shows metadata in curation show', async () => {
    const second = await adp(['--home', home, 'run', 'wildrydes-rydebooking', '--wait', '--json']);
    expect(second.code).toBe(0);
    const name2 = JSON.parse(second.stdout).curationExecutionName;
    const json = await adp(['--home', home, 'history', 'wildrydes-rydebooking', '--json']);
    const records = JSON.parse(json.stdout);
    expect(records.map((r: any) => r.curationExecutionName)).toEqual([name2, first.curationExecutionName]);
    const limited = await adp(['--home', home, 'history', '--limit', '1', '--json']);
    expect(JSON.parse(limited.stdout)).toHaveLength(1);
    const names = async (...filters: string[]) => JSON.parse((await adp(['--home', home, 'history', '--json', ...filters])).stdout).map((r: any) => r.curationExecutionName);
    expect(await names('--status', 'failed,succeeded')).toEqual([name2, first.curationExecutionName]);
    expect(await names('--status', 'failed')).toEqual([]);
    expect(await names('--search', name2.toLowerCase())).toEqual([name2]);
    expect(await names('--search', 'WILDRYDES', '--limit', '1')).toEqual([name2]);
    expect(await names('--search', 'no such run')).toEqual([]);
    expect((await adp(['--home', home, 'history', '--status', 'cancelled'])).stderr).toContain('no runs match --status/--search');
    for (const [flag, value] of [['--status', 'done'], ['--status', ','], ['--search', ' ']]) {
      const bad = await adp(['--home', home, 'history', flag!, value!]);
      expect(bad.code, `${flag} '${value}'`).toBe(2);
      expect(bad.stderr).toContain(flag);
      expect(bad.stderr).not.toMatch(/\n\s+at /);
    }
    const table = await adp(['--home', home, 'history']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ENDED \(UTC\)\s+CURATION\s+STATUS/);
    expect(table.stdout).toContain(name2);
    const show = await adp(['--home', home, 'curation', 'show', 'wildrydes-rydebooking']);
    expect(show.stdout).toContain('creator=Eunice the Unicorn');
    expect(show.stdout).toContain('pii=FALSE');
  });

  it('prints a readable summary without --json', async () => {
    const r = await adp(['--home', home, 'run', 'wildrydes-rydebooking', '--wait']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/wildrydes-rydebooking\s+SUCCEEDED/);
    expect(r.stdout).toMatch(/rows\s+400/);
  });
});
