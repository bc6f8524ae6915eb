import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adp, cleanup, tempDir } from '../helpers/cli.js';
import { sampleDefinition } from '../helpers/definitions.js';

const RUNS = Number(process.env.ADP_FUZZ_RUNS ?? 10_000);

/** Any JSON-ish value, including the awkward ones. */
const junk = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('', '..', '/', '../../etc/passwd', 'cron(', 'rate(0 minutes)', '__proto__', 'a'.repeat(300), '\u0000', 'cron(0 0 ? * 8 *)'),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.integer()), { maxKeys: 3 }),
);

/** Paths into the sample definition where a mutation can land. */
const PATHS = [
  [],
  ['curationType'],
  ['sqlFilePath'],
  ['cronExpression'],
  ['glueDetails'],
  ['glueDetails', 'database'],
  ['glueDetails', 'tables'],
  ['athenaDetails'],
  ['athenaDetails', 'athenaOutputBucket'],
  ['athenaDetails', 'athenaOutputFolderPath'],
  ['athenaDetails', 'deleteAthenaQueryFile'],
  ['outputDetails'],
  ['outputDetails', 'outputBucket'],
  ['outputDetails', 'outputFolderPath'],
  ['outputDetails', 'filename'],
  ['outputDetails', 'includeTimestampInFilename'],
  ['outputDetails', 'metadata'],
  ['outputDetails', 'tags'],
  ['outputDetails', 'format'],
  ['timeoutSeconds'],
  ['somethingElse'],
];

const mutation = fc.record({
  path: fc.constantFrom(...PATHS),
  value: junk,
  remove: fc.boolean(),
});

function mutate(def: Record<string, any>, muts: { path: string[]; value: unknown; remove: boolean }[]): unknown {
  let root: any = def;
  for (const m of muts) {
    if (m.path.length === 0) {
      root = m.value;
      continue;
    }
    if (root === null || typeof root !== 'object') continue;
    let node = root;
    for (const key of m.path.slice(0, -1)) {
      if (node[key] === null || typeof node[key] !== 'object') node[key] = {};
      node = node[key];
    }
    const last = m.path[m.path.length - 1]!;
    if (m.remove) delete node[last];
    else node[last] = m.value;
  }
  return root;
}

describe('definition fuzzing through `adp curation put -`', () => {
  let home: string;
  beforeAll(async () => {
    home = tempDir();
    expect((await adp(['--home', home, 'init'])).code).toBe(0);
  });
  afterAll(() => cleanup(home));

  it(`${RUNS} random and mutated definitions: exit 0, or exit 2 naming a field; never a crash or stack trace`, async () => {
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean(), async (muts, truncate) => {
        let text = JSON.stringify(mutate(sampleDefinition(), muts)) ?? 'undefined';
        if (truncate) text = text.slice(0, Math.floor(text.length / 2));
        const r = await adp(['--home', home, 'curation', 'put', '-'], text);
        expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
        expect([0, 2]).toContain(r.code);
        if (r.code === 2) {
          refused++;
          const first = r.stderr.split('\n')[0]!;
          expect(first).toMatch(/^(standard input: not valid JSON|must be an object|(curationType|sqlFilePath|cronExpression|glueDetails|athenaDetails|outputDetails|timeoutSeconds|somethingElse)\b\S*( \S*)?: )/);
        }
      }),
      { numRuns: RUNS },
    );
    expect(refused).toBeGreaterThan(RUNS / 2);
  }, 240_000);
});
