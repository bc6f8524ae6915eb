import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adp, cleanup, exampleHome } from '../helpers/cli.js';
import { commitScript } from '../helpers/git.js';

const TYPE = 'wildrydes-rydebooking';

describe('adp runs: list, show, cancel, retry; adp curation pause|resume', () => {
  let home: string;
  const cli = (...args: string[]) => adp(['--home', home, ...args]);

  beforeAll(async () => {
    home = await exampleHome(40);
    commitScript(home, 'tests/broken.sql', 'select no_such_column from range(3)');
    const def = JSON.parse((await cli('curation', 'show', TYPE, '--json')).stdout);
    const broken = { ...def.definition ?? def, curationType: 'broken', sqlFilePath: 'tests/broken.sql', parameters: { region: { type: 'string', default: 'us' } } };
    const put = await adp(['--home', home, 'curation', 'put', '-'], JSON.stringify(broken));
    expect(put.code, put.stderr).toBe(0);
  });
  afterAll(() => cleanup(home));

  it('adp run --wait prints the run log live; adp runs show lists its steps with durations and its events', async () => {
    const run = await cli('run', TYPE, '--wait', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/retrieve succeeded in \d/);
    expect(run.stderr).toMatch(/startQuery succeeded in .*query [0-9a-f-]{36}/);
    expect(run.stderr).toMatch(/awaitQuery succeeded in .*\d+ rows/);
    const name = JSON.parse(run.stdout).curationExecutionName as string;

    const shown = await cli('runs', 'show', name);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`${name}  ${TYPE}  succeeded`);
    expect(shown.stdout).toMatch(/publishOutput\s+ok\s+\d/);
    expect(shown.stdout).toMatch(/queued \(trigger manual\)/);
    expect(shown.stdout).toMatch(/finished succeeded/);

    const json = JSON.parse((await cli('runs', 'show', name, '--json')).stdout);
    expect(json.steps.map((s: { state: string }) => s.state)).toEqual(Array(6).fill('succeeded'));
    expect(json.events[0].kind).toBe('queued');
    expect(json.record.curationExecutionName).toBe(name);
  });

  it('adp runs preview prints the first rows of the output and where its files are; --json is the API preview; bad --rows is exit 2', async () => {
    const run = await cli('run', TYPE, '--wait', '--json');
    const name = JSON.parse(run.stdout).curationExecutionName as string;
    const shown = await cli('runs', 'preview', name, '--rows', '3');
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/^output  file:\/\/\S+\.csv$/m);
    expect(shown.stdout).toMatch(/^raw     file:\/\/\S+$/m);
    expect(shown.stdout).toContain('(first 3 rows; more in the file)');
    const json = JSON.parse((await cli('runs', 'preview', name, '--rows', '2', '--json')).stdout);
    expect(json.output).toMatchObject({ state: 'present', format: 'csv' });
    expect(json.table.rows).toHaveLength(2);
    expect(json.table.columns.length).toBeGreaterThan(1);
    // The table's header is the file's own.
    expect(shown.stdout).toContain(json.table.columns[0]);
    const bad = await cli('runs', 'preview', name, '--rows', '0');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--rows: must be a whole number from 1 to 200/);
    const unknown = await cli('runs', 'preview', 'no_such_run');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('adp runs show of a failed run marks the failed step and the steps never reached', async () => {
    const run = await cli('run', 'broken', '--wait', '--json');
    expect(run.code).toBe(1);
    const name = JSON.parse(run.stdout).curationExecutionName as string;
    const shown = await cli('runs', 'show', name);
    expect(shown.stdout).toContain('failed at awaitQuery');
    expect(shown.stdout).toMatch(/awaitQuery\s+FAILED/);
    expect(shown.stdout).toMatch(/publishOutput\s+not reached/);
    expect(shown.stdout).toMatch(/awaitQuery failed after .*QueryFailedError.*no_such_column/);
  });

  it('adp runs lists queued runs; adp runs cancel ends one nobody executes, with its record', async () => {
    const queued = await cli('run', TYPE);
    expect(queued.code, queued.stderr).toBe(0);
    const name = queued.stdout.trim();
    const list = await cli('runs');
    expect(list.stdout).toMatch(new RegExp(`${name}\\s+${TYPE}\\s+queued\\s+retrieve`));
    const json = JSON.parse((await cli('runs', '--json')).stdout);
    expect(json).toEqual([expect.objectContaining({ curationExecutionName: name, status: 'queued', step: 'retrieve' })]);

    const cancelled = await cli('runs', 'cancel', name);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout.trim()).toBe(`${name}: cancelled`);
    const shown = JSON.parse((await cli('runs', 'show', name, '--json')).stdout);
    expect(shown.record).toMatchObject({ status: 'cancelled', failedStep: 'retrieve' });
    expect(shown.events).toContainEqual(expect.objectContaining({ kind: 'cancelRequested', reason: 'cancelled with `adp runs cancel`' }));
    expect((await cli('runs')).stderr).toContain('no runs in flight');

    const again = await cli('runs', 'cancel', name);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already ended with status cancelled');
  });

  it('adp runs retry --wait repeats a run with its parameters and scheduled time (trigger retry)', async () => {
    const first = JSON.parse((await cli('run', 'broken', '--wait', '--json', '--param', 'region=eu')).stdout);
    const retried = await cli('runs', 'retry', first.curationExecutionName, '--wait', '--json');
    expect(retried.code).toBe(1);
    const record = JSON.parse(retried.stdout);
    expect(record).toMatchObject({ trigger: 'retry', retryOf: first.curationExecutionName, parameters: { region: 'eu' }, status: 'failed' });
    expect(record.curationExecutionName).not.toBe(first.curationExecutionName);

    const queued = await cli('runs', 'retry', first.curationExecutionName);
    expect(queued.code, queued.stderr).toBe(0);
    expect(queued.stderr).toContain(`retry of ${first.curationExecutionName}`);
    await cli('runs', 'cancel', queued.stdout.trim());
  });

  it('refuses unknown runs with a clear error and exit 2', async () => {
    for (const verb of ['show', 'cancel', 'retry']) {
      const r = await cli('runs', verb, '20270101000000ABCDEF_nope');
      expect(r.code, verb).toBe(2);
      expect(r.stderr).toMatch(/run '20270101000000ABCDEF_nope' (was )?not found/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('adp curation pause|resume sets the schedule off and on', async () => {
    expect((await cli('curation', 'pause', TYPE)).stderr).toContain(`${TYPE}: paused`);
    expect(JSON.parse((await cli('curation', 'show', TYPE, '--json')).stdout)).toMatchObject({ definition: { enabled: false } });
    expect((await cli('curation', 'pause', TYPE)).stderr).toContain('already paused');
    expect((await cli('curation', 'resume', TYPE)).stderr).toContain(`${TYPE}: resumed`);
    expect(JSON.parse((await cli('curation', 'show', TYPE, '--json')).stdout).definition.enabled).toBeUndefined();
  });
});
