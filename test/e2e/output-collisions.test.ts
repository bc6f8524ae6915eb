import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adp, cleanup, exampleHome, tempDir } from '../helpers/cli.js';
import { ADP_BIN } from '../helpers/serve-process.js';

const TYPE = 'collide';
const FOLDER = 'collide';
const ROWS = 200;
const MAX_TRIALS = 8;

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `adp run TYPE --wait --json` as its own process. */
function runProcess(home: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ADP_BIN, '--home', home, 'run', TYPE, '--wait', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The `YYYYmmddHHMMSS` every output name of a run starts its stamp with (the execution name's). */
const stampOf = (r: Record<string, any>) => String(r.curationExecutionName).slice(0, 14);

describe('runs started together in separate processes never share or replace an output', () => {
  let home: string;
  let dir: string;
  beforeAll(async () => {
    if (!fs.existsSync(ADP_BIN)) throw new Error(`${ADP_BIN} is missing: run \`npm run build\` first`);
    home = await exampleHome(ROWS);
    dir = tempDir();
    const def = JSON.parse((await adp(['--home', home, 'curation', 'show', 'wildrydes-rydebooking', '--json'])).stdout).definition;
    // The sample's name (filename + the run's one-second stamp), moved into place (the raw result is deleted).
    const file = path.join(dir, 'collide.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        ...def,
        curationType: TYPE,
        enabled: false,
        // Queued behind each other (overlap skip, the default, would start only one): they still share the one-second stamp.
        overlap: 'queue',
        outputDetails: { ...def.outputDetails, filename: 'wildrydes', includeTimestampInFilename: true, outputFolderPath: `${FOLDER}/` },
        athenaDetails: { ...def.athenaDetails, deleteAthenaQueryFile: true },
      }),
    );
    expect((await adp(['--home', home, 'curation', 'put', file])).code).toBe(0);
  });
  afterAll(() => {
    cleanup(home);
    cleanup(dir);
  });

  it('three `adp run --wait` at once: three succeeded records, three files that all exist, the sample’s name for one', async () => {
    const records: Record<string, any>[] = [];
    let collided = false;
    // Three processes spawned together create their runs within a second of each other nearly always; a trial
    // that straddles a second boundary proves less, so trials repeat until one had all three in the same second.
    for (let trial = 0; trial < MAX_TRIALS && !collided; trial++) {
      const outcomes = await Promise.all([runProcess(home), runProcess(home), runProcess(home)]);
      const trialRecords = outcomes.map((o) => {
        expect(o.code, o.stderr).toBe(0);
        return JSON.parse(o.stdout) as Record<string, any>;
      });
      records.push(...trialRecords);
      collided = new Set(trialRecords.map(stampOf)).size === 1;
    }
    expect(collided, `no trial of ${MAX_TRIALS} started its three runs in the same second`).toBe(true);

    const files = records.map((r) => fileURLToPath(r.curationOutputLocation));
    expect(new Set(files).size, 'two records name the same output').toBe(records.length);
    for (const [i, r] of records.entries()) {
      expect(r.status).toBe('succeeded');
      expect(r.rowCount).toBe(ROWS);
      expect(r.publishedFilename).toBe(path.basename(files[i]!));
      const lines = fs.readFileSync(files[i]!, 'utf8').trimEnd().split('\n');
      expect(lines.length - 1, `rows in ${files[i]}`).toBe(r.rowCount);
    }
    // Per second: the sample's name once, then -2, -3, … for the runs that found it taken.
    const byStamp = new Map<string, Record<string, any>[]>();
    for (const r of records) byStamp.set(stampOf(r), [...(byStamp.get(stampOf(r)) ?? []), r]);
    for (const [stamp, group] of byStamp) {
      const names = group.map((r) => r.publishedFilename).sort();
      const expected = group.map((_, i) => (i === 0 ? `wildrydes${stamp}.csv` : `wildrydes${stamp}-${i + 1}.csv`)).sort();
      expect(names).toEqual(expected);
    }
    // Nothing else was written and nothing was lost.
    const folder = path.join(home, 'buckets', 'wildrydes-dev-curated', FOLDER);
    expect(fs.readdirSync(folder).sort()).toEqual(records.map((r) => r.publishedFilename).sort());
    const history = JSON.parse((await adp(['--home', home, 'history', TYPE, '--json'])).stdout) as Record<string, any>[];
    expect(history.map((h) => h.curationOutputLocation).sort()).toEqual(records.map((r) => r.curationOutputLocation).sort());
  }, 240_000);
});
