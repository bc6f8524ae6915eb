import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { CurationDefinition } from '../domain/curation.js';
import type { HistoryRecord } from '../domain/history.js';
import { utcStamp } from '../domain/naming.js';
import type { RunState } from '../domain/run.js';
import { cleanup } from '../../test/helpers/cli.js';
import { openExample } from '../../test/helpers/project.js';
import { override } from '../../test/helpers/override.js';
import { createRun } from './create-run.js';
import type { EngineDeps } from './engine-deps.js';
import { executeRun } from './run-workflow.js';

const SAMPLE = 'wildrydes-rydebooking';
const AT = new Date('2027-01-04T10:00:00.250Z');
const STAMP = utcStamp(AT);

/** Files in the folder of `outputFolderPath` `folder` of the curated bucket, sorted. */
function outputs(home: string, folder: string): string[] {
  const dir = path.join(home, 'buckets', 'wildrydes-dev-curated', folder);
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

const fileOf = (r: HistoryRecord) => path.basename(fileURLToPath(r.curationOutputLocation!));
const dataRows = (r: HistoryRecord) => fs.readFileSync(fileURLToPath(r.curationOutputLocation!), 'utf8').trimEnd().split('\n').length - 1;

describe('output names: a run never replaces another run’s output', () => {
  const homes: string[] = [];
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    for (const home of homes.splice(0)) cleanup(home);
  });

  /** The example home with a curation `type` like the sample, publishing into `folder/`, patched. */
  async function setup(type: string, folder: string, patch: (d: CurationDefinition) => Partial<CurationDefinition> = () => ({})) {
    const ex = await openExample(40);
    homes.push(ex.home);
    closers.push(() => ex.project.close());
    const sample = (await ex.project.state.getCuration(SAMPLE))!.definition;
    const def = { ...sample, curationType: type, outputDetails: { ...sample.outputDetails, outputFolderPath: `${folder}/` } };
    // overlap queue: runs started together are all stored (skip, the default, would store one).
    await ex.project.state.putCuration({ ...def, overlap: 'queue', ...patch(def) });
    // Runs queued in the same second share the stamp of their output name.
    const frozen = { ...ex.deps, clock: { ...ex.deps.clock, now: () => new Date(AT) } };
    const queue = async () => (await createRun(frozen, { curationType: type, trigger: 'manual' })).executionName;
    return { ...ex, queue };
  }

  it.each([
    ['keeping its raw result (publish links)', false],
    ['deleting its raw result (publish moves)', true],
  ])('three runs in the same second, %s: three outputs, the sample’s name for one', async (_label, deleteRaw) => {
    const { home, deps, queue } = await setup('same-second', 'same', (d) => ({ athenaDetails: { ...d.athenaDetails, deleteAthenaQueryFile: deleteRaw } }));
    const names = [await queue(), await queue(), await queue()];
    const records = await Promise.all(names.map((n) => executeRun(deps, n)));
    expect(records.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const files = records.map(fileOf);
    expect([...files].sort()).toEqual([`wildrydes${STAMP}-2.csv`, `wildrydes${STAMP}-3.csv`, `wildrydes${STAMP}.csv`]);
    expect(outputs(home, 'same')).toEqual([...files].sort());
    for (const r of records) {
      expect(r.publishedFilename).toBe(fileOf(r));
      expect(dataRows(r)).toBe(r.rowCount);
      expect(r.rowCount).toBe(40);
      const head = await deps.objects.head('wildrydes-dev-curated', `same/${fileOf(r)}`);
      expect(head?.metadata['adp-execution-name']).toBe(r.curationExecutionName);
    }
  });

  it('a run cut off after publishing, resumed, makes no second copy', async () => {
    const { home, deps, queue } = await setup('resumed', 'resumed', (d) => ({ athenaDetails: { ...d.athenaDetails, deleteAthenaQueryFile: true } }));
    const name = await queue();
    let died = false;
    const dying: EngineDeps = {
      ...deps,
      state: override(deps.state, {
        saveRun: async (r: RunState) => {
          // The process dies after the object is in place, before the runner saves that.
          if (r.step === 'record' && !died) {
            died = true;
            throw new Error('process died (injected)');
          }
          await deps.state.saveRun(r);
        },
      }),
    };
    await expect(executeRun(dying, name)).rejects.toThrow('process died');
    const left = await deps.state.getRun(name);
    expect(left).toMatchObject({ step: 'publishOutput', context: { finalKey: `resumed/wildrydes${STAMP}.csv` } });
    expect(outputs(home, 'resumed')).toEqual([`wildrydes${STAMP}.csv`]);
    const record = await executeRun(deps, name);
    expect(record.status).toBe('succeeded');
    expect(fileOf(record)).toBe(`wildrydes${STAMP}.csv`);
    expect(outputs(home, 'resumed')).toEqual([`wildrydes${STAMP}.csv`]);
    expect(dataRows(record)).toBe(record.rowCount);
  });

  it('a run cut off inside publish, between link and metadata, resumed, makes no second copy', async () => {
    const { home, deps, queue } = await setup('cut-inside', 'cut', (d) => ({ athenaDetails: { ...d.athenaDetails, deleteAthenaQueryFile: true } }));
    const name = await queue();
    let publishing!: () => void;
    const reached = new Promise<void>((resolve) => (publishing = resolve));
    const dying: EngineDeps = {
      ...deps,
      objects: override(deps.objects, {
        publish: async (from, to) => {
          // link(2) done, then the process is gone: this call never returns.
          const target = fileURLToPath(deps.objects.uri(to.bucket, to.key));
          fs.mkdirSync(path.dirname(target), { recursive: true });
          fs.linkSync(fileURLToPath(deps.objects.uri(from.bucket, from.key)), target);
          publishing();
          return new Promise(() => undefined);
        },
      }),
    };
    const cut = executeRun(dying, name);
    await Promise.race([reached, cut]);
    expect(outputs(home, 'cut')).toEqual([`wildrydes${STAMP}.csv`]);
    const record = await executeRun(deps, name);
    expect(record.status).toBe('succeeded');
    expect(fileOf(record)).toBe(`wildrydes${STAMP}.csv`);
    expect(outputs(home, 'cut')).toEqual([`wildrydes${STAMP}.csv`]);
    expect((await deps.objects.head('wildrydes-dev-curated', `cut/wildrydes${STAMP}.csv`))?.metadata['adp-execution-name']).toBe(name);
  });

  it('a name taken between choosing it and publishing goes to the next number; the other object stays', async () => {
    const { home, deps, queue } = await setup('raced', 'raced');
    const [mine, theirs] = [await queue(), await queue()];
    let raced = false;
    const racing: EngineDeps = {
      ...deps,
      state: override(deps.state, {
        saveRun: async (r: RunState) => {
          await deps.state.saveRun(r);
          // Right after `mine` saved its chosen name, `theirs` publishes under it.
          if (r.executionName === mine && r.step === 'publishOutput' && r.context.finalKey && !raced) {
            raced = true;
            await executeRun(deps, theirs);
          }
        },
      }),
    };
    const record = await executeRun(racing, mine);
    const other = (await deps.state.getHistoryRecord(theirs))!;
    expect(raced).toBe(true);
    expect(fileOf(other)).toBe(`wildrydes${STAMP}.csv`);
    expect(fileOf(record)).toBe(`wildrydes${STAMP}-2.csv`);
    expect(record.publishedFilename).toBe(`wildrydes${STAMP}-2.csv`);
    expect(outputs(home, 'raced')).toEqual([`wildrydes${STAMP}-2.csv`, `wildrydes${STAMP}.csv`]);
    expect((await deps.objects.head('wildrydes-dev-curated', `raced/wildrydes${STAMP}.csv`))?.metadata['adp-execution-name']).toBe(theirs);
  });

  it('a fixed filename without the timestamp is replaced by each run, as in the sample', async () => {
    const { home, deps, queue } = await setup('fixed', 'fixed', (d) => ({ outputDetails: { ...d.outputDetails, filename: 'latest', includeTimestampInFilename: false } }));
    const first = await executeRun(deps, await queue());
    const second = await executeRun(deps, await queue());
    expect([fileOf(first), fileOf(second)]).toEqual(['latest.csv', 'latest.csv']);
    expect(outputs(home, 'fixed')).toEqual(['latest.csv']);
    expect((await deps.objects.head('wildrydes-dev-curated', 'fixed/latest.csv'))?.metadata['adp-execution-name']).toBe(second.curationExecutionName);
  });
});
