import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordFromItem, SAMPLE_ENGINE } from './history-item.js';
import { resolvedOutputDetails, type HistoryRecord } from './history.js';

// Items as the sample's Lambdas wrote them to `curationHistory`.
const sampleSuccess = {
  curationType: 'wildrydes-rydebooking',
  timestamp: 1_798_000_000_000,
  curationExecutionName: '20261228081320ABCDEF_wildrydes_rydebooking',
  scriptFileCommitId: '0123456789abcdef0123456789abcdef01234567',
  glueDetails: { database: 'wildrydes', tables: ['rydebooking', 'riderinfo'] },
  outputDetails: {
    outputBucket: 'wildrydes-dev-curated',
    outputFolderPath: 'rydebooking/',
    outputFilename: 'wildrydes',
    includeTimestampInFilenameBool: true,
    metadata: null,
    tags: null,
  },
  queryOutputLocation: 's3://wildrydes-dev-athena/raw/abc.csv',
  curationOutputLocation: 's3://wildrydes-dev-curated/rydebooking/wildrydes20261228081320.csv',
  athenaQueryExecutionId: 'abc',
  metadata: null,
  tags: null,
};
const sampleFailure = {
  curationType: 'wildrydes-rydebooking',
  timestamp: 1_798_000_100_000,
  curationExecutionName: '20261228081500ZZZZZZ_wildrydes_rydebooking',
  error: 'States.TaskFailed',
  errorCause: { errorType: 'InvalidRequestException', errorMessage: 'line 1:8: mismatched input' },
  curationKey: 's3://wildrydes-dev-athena/raw/def.csv',
};

describe('recordFromItem', () => {
  it("reads the sample's success item: status succeeded, nulls dropped at the top, outputDetails kept in the resolved shape", () => {
    const r = recordFromItem(sampleSuccess);
    expect(r.status).toBe('succeeded');
    expect(r.engine).toBe(SAMPLE_ENGINE);
    expect(r.trigger).toBe('schedule');
    expect(r.attempt).toBe(1);
    expect(r.startedAt).toBe(new Date(sampleSuccess.timestamp).toISOString());
    expect(r).not.toHaveProperty('metadata');
    expect(r.outputDetails).toEqual(sampleSuccess.outputDetails);
  });

  it("reads the sample's failure item (no status, an error): status failed, curationKey kept", () => {
    const r = recordFromItem(sampleFailure);
    expect(r.status).toBe('failed');
    expect(r.error).toBe('States.TaskFailed');
    expect(r.curationKey).toBe(sampleFailure.curationKey);
    expect(r.outputDetails).toBeUndefined();
  });

  it("reads adp's older records (definition-shaped outputDetails, outputFilename = the published name)", () => {
    const r = recordFromItem({
      ...sampleSuccess,
      status: 'succeeded',
      outputDetails: { outputBucket: 'b', filename: 'wildrydes', includeTimestampInFilename: true, outputFilename: 'wildrydes20261228081320-2.csv' },
    });
    expect(r.outputDetails).toEqual({ outputBucket: 'b', outputFolderPath: null, outputFilename: 'wildrydes', includeTimestampInFilenameBool: true, metadata: null, tags: null });
    expect(r.publishedFilename).toBe('wildrydes20261228081320-2.csv');
  });

  it("returns every record adp writes unchanged (property)", () => {
    const map = fc.dictionary(fc.stringMatching(/^[a-z]{1,5}$/), fc.string({ maxLength: 5 }), { maxKeys: 3 });
    const record = fc.record({
      filename: fc.option(fc.stringMatching(/^[a-z]{1,8}$/), { nil: undefined }),
      folder: fc.option(fc.constant('f/'), { nil: undefined }),
      stamp: fc.boolean(),
      metadata: fc.option(map, { nil: undefined }),
      status: fc.constantFrom('succeeded', 'failed', 'cancelled', 'timed_out', 'skipped' as const),
      error: fc.option(fc.constant('Boom'), { nil: undefined }),
    });
    fc.assert(
      fc.property(record, (p) => {
        const written: HistoryRecord = {
          curationType: 'c',
          timestamp: 1,
          curationExecutionName: 'n',
          outputDetails: resolvedOutputDetails({ outputBucket: 'b', outputFolderPath: p.folder, filename: p.filename, includeTimestampInFilename: p.stamp, metadata: p.metadata }),
          ...(p.metadata ? { metadata: p.metadata } : {}),
          ...(p.error ? { error: p.error } : {}),
          status: p.status,
          trigger: 'manual',
          startedAt: '2027-01-01T00:00:00.000Z',
          durationMs: 5,
          attempt: 2,
          engine: 'duckdb',
        };
        expect(recordFromItem(JSON.parse(JSON.stringify(written)))).toEqual(written);
      }),
    );
  });
});
