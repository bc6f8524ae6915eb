import { describe, expect, it } from 'vitest';
import { parseCuration } from '../../domain/curation.js';
import { qualityCheckIssues } from './quality-gate.js';

const def = (extra: object) =>
  parseCuration({
    curationType: 'c',
    sqlFilePath: 'c.sql',
    cronExpression: 'rate(1 day)',
    glueDetails: { database: 'db' },
    outputDetails: { outputBucket: 'out-bucket' },
    ...extra,
  });

describe('quality checks need an engine that can run them', () => {
  const athena = { name: 'athena' };
  it('refuses qualityChecks on an engine without checkResult (Athena), naming the field', () => {
    expect(qualityCheckIssues(athena, def({ qualityChecks: [{ type: 'rowCount', min: 1 }] }))).toEqual([
      { path: 'qualityChecks', message: expect.stringMatching(/^the athena query engine cannot run quality checks/) },
    ]);
  });
  it('accepts a definition without checks on any engine, and checks on an engine that runs them', () => {
    expect(qualityCheckIssues(athena, def({}))).toEqual([]);
    expect(qualityCheckIssues(athena, def({ qualityChecks: [] }))).toEqual([]);
    expect(qualityCheckIssues({ name: 'duckdb', checkResult: async () => [] }, def({ qualityChecks: [{ type: 'rowCount', min: 1 }] }))).toEqual([]);
  });
});
