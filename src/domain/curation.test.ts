import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCuration, resolveOutput } from './curation.js';
import { ValidationError } from './errors.js';

const sample = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../test/fixtures/ddbCurationDetailsConfig.json'), 'utf8'));

const name = fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/).filter((s) => s !== '.' && s !== '..');
const segment = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
const relPath = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
const folder = fc.oneof(fc.constant(''), relPath.map((p) => `${p}/`));
const bucket = fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,20}[a-z0-9]$/);
const strMap = fc.dictionary(fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/).filter((k) => k !== '__proto__'), fc.stringMatching(/^[A-Za-z0-9 ._:/=+@-]{0,40}$/), { maxKeys: 5 });

const definition = fc.record(
  {
    curationType: name,
    sqlFilePath: relPath.map((p) => `${p}.sql`),
    cronExpression: fc.constantFrom('cron(* 0/3 * * ? *)', 'rate(5 minutes)', 'cron(0 12 ? * MON-FRI *)', 'rate(1 day)'),
    glueDetails: fc.record({ database: segment, tables: fc.array(fc.oneof(segment, fc.tuple(segment, segment).map(([a, b]) => `${a}.${b}`)), { maxLength: 3 }) }, { requiredKeys: ['database'] }),
    athenaDetails: fc.record(
      { athenaOutputBucket: bucket, athenaOutputFolderPath: folder, deleteAthenaQueryFile: fc.boolean(), deleteMetadataFile: fc.boolean() },
      { requiredKeys: [] },
    ),
    outputDetails: fc.record(
      { outputBucket: bucket, outputFolderPath: folder, filename: segment, metadata: strMap, tags: strMap, format: fc.constantFrom('csv' as const, 'parquet' as const, 'json' as const) },
      { requiredKeys: ['outputBucket', 'filename'] },
    ),
    timeoutSeconds: fc.integer({ min: 1, max: 86_400 }),
  },
  { requiredKeys: ['curationType', 'sqlFilePath', 'cronExpression', 'glueDetails', 'outputDetails'] },
);

describe('curation definitions', () => {
  it('the sample definition loads unchanged', () => {
    expect(parseCuration(sample)).toEqual(sample);
  });

  it('the sample defaults: raw results in the athena bucket, kept; metadata file deleted; csv', () => {
    expect(resolveOutput(parseCuration(sample))).toEqual({
      rawBucket: 'wildrydes-dev-athena-output',
      rawFolder: 'adp/',
      deleteRawResult: false,
      deleteMetadataFile: true,
      format: 'csv',
      timeoutSeconds: 1800,
    });
  });

  it('refuses a "__proto__" metadata key instead of dropping it', () => {
    const def = JSON.parse(JSON.stringify(sample).replace('"creator"', '"__proto__"'));
    expect(() => parseCuration(def)).toThrow(/outputDetails\.metadata\.__proto__: the key "__proto__" is not allowed/);
  });

  it('round-trips any valid definition through JSON unchanged', () => {
    fc.assert(
      fc.property(definition, (def) => {
        expect(parseCuration(JSON.parse(JSON.stringify(def)))).toEqual(def);
      }),
      { numRuns: 300 },
    );
  });

  it('any mutation is accepted or refused with field-named issues, never a crash', () => {
    const anyValue = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }), fc.object({ maxDepth: 1 }));
    const keys = ['curationType', 'sqlFilePath', 'cronExpression', 'glueDetails', 'athenaDetails', 'outputDetails', 'extra'];
    fc.assert(
      fc.property(definition, fc.constantFrom(...keys), anyValue, (def, key, value) => {
        const mutated: Record<string, unknown> = { ...def, [key]: value };
        try {
          parseCuration(mutated);
        } catch (e) {
          expect(e).toBeInstanceOf(ValidationError);
          for (const issue of (e as ValidationError).issues) expect(issue.path.split(/[.[]/)[0]).toBe(key);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('what S3 cannot carry is refused at put', () => {
  const base = () => JSON.parse(JSON.stringify(sample)) as Record<string, any>;
  it('a metadata value that is not printable ASCII (S3 sends metadata as headers)', () => {
    const def = base();
    def.outputDetails.metadata = { owner: 'équipe' };
    expect(() => parseCuration(def)).toThrow(/outputDetails\.metadata\.owner: metadata values must be printable ASCII/);
  });
  it('metadata over 2 KB in all', () => {
    const def = base();
    def.outputDetails.metadata = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, 'v'.repeat(250)]));
    expect(() => parseCuration(def)).toThrow(/outputDetails\.metadata: metadata keys and values must add up to at most 2048/);
  });
  it('a tag value with a character S3 tags refuse; letters of any script pass', () => {
    const def = base();
    def.outputDetails.tags = { team: 'données' };
    expect(parseCuration(def).outputDetails.tags).toEqual({ team: 'données' });
    def.outputDetails.tags = { team: 'a;b' };
    expect(() => parseCuration(def)).toThrow(/outputDetails\.tags\.team: tag values may hold only/);
  });
});

describe('combinations refused at put', () => {
  it('quality checks with a partitioned output', () => {
    const def = JSON.parse(JSON.stringify(sample)) as Record<string, any>;
    def.outputDetails.format = 'parquet';
    def.outputDetails.partitionBy = ['ryder_id'];
    def.qualityChecks = [{ type: 'rowCount', min: 1 }];
    expect(() => parseCuration(def)).toThrow(/qualityChecks: cannot be combined with outputDetails.partitionBy/);
  });
});
