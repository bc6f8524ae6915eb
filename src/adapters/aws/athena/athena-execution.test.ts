import fc from 'fast-check';
import type { QueryExecution } from '@aws-sdk/client-athena';
import { describe, expect, it } from 'vitest';
import { EnvironmentError, QueryFailedError, SandboxError, TransientError } from '../../../domain/errors.js';
import { clientRequestToken, executionError, executionStatistics, resultLocation } from './athena-execution.js';
import { athenaQueryBody } from './athena-statement.js';

const failed = (status: NonNullable<QueryExecution['Status']>): QueryExecution => ({ Status: { ...status, State: 'FAILED' } });

describe('ClientRequestToken derivation (pure)', () => {
  it('is 32–128 characters Athena accepts, and the same for the same key and attempt', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.integer({ min: 1, max: 50 }), (key, attempt) => {
        const token = clientRequestToken(key, attempt);
        expect(token.length).toBeGreaterThanOrEqual(32);
        expect(token.length).toBeLessThanOrEqual(128);
        expect(token).toMatch(/^[0-9a-f]+$/);
        expect(clientRequestToken(key, attempt)).toBe(token);
      }),
    );
  });

  it('differs for distinct keys, and for distinct attempts of one key', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.integer({ min: 1, max: 50 }), (a, b, attempt) => {
        fc.pre(a !== b);
        expect(clientRequestToken(a, attempt)).not.toBe(clientRequestToken(b, attempt));
        expect(clientRequestToken(a, attempt)).not.toBe(clientRequestToken(a, attempt + 1));
      }),
    );
  });
});

describe('Athena query text guard (pure)', () => {
  it('keeps a single SELECT/WITH without trailing semicolons and comments', () => {
    const comment = fc.constantFrom('', ' -- daily', ' /* end */', '\n-- a\n');
    const semis = fc.integer({ min: 0, max: 3 }).map((n) => ';'.repeat(n));
    const query = fc.constantFrom('select * from rydebookings', "WITH x AS (SELECT 1 AS a) SELECT a FROM x WHERE 'a;b' <> ''", '(select 1)');
    fc.assert(
      fc.property(query, semis, comment, (q, s, c) => {
        expect(athenaQueryBody(`${q}${s}${c}`)).toBe(q);
      }),
    );
  });

  it('refuses every other statement, and several statements, before Athena sees them', () => {
    const verb = fc.constantFrom('DROP', 'insert', 'CREATE', 'unload', 'MSCK', 'alter', 'DELETE', 'update', 'MERGE', 'show', 'describe');
    fc.assert(
      fc.property(verb, (v) => {
        expect(() => athenaQueryBody(`${v} table rydebookings`)).toThrow(SandboxError);
      }),
    );
    expect(() => athenaQueryBody('select 1; drop table rydebookings')).toThrow(/2 statements/);
    expect(() => athenaQueryBody('-- only a comment\n;')).toThrow(QueryFailedError);
  });
});

describe('Athena execution facts (pure)', () => {
  it('a FAILED execution is transient when Athena flags it retryable or the reason is throttling, an EnvironmentError when access was denied, else a QueryFailedError in its words', () => {
    const syntax = executionError('q1', failed({ StateChangeReason: "TABLE_NOT_FOUND: line 1:15: Table 'nope' does not exist", AthenaError: { ErrorCategory: 2, ErrorType: 1000, Retryable: false } }));
    expect(syntax).toBeInstanceOf(QueryFailedError);
    expect(syntax.message).toMatch(/q1 failed: TABLE_NOT_FOUND/);
    expect(executionError('q2', failed({ StateChangeReason: 'Query exhausted resources', AthenaError: { ErrorCategory: 1, ErrorType: 0, Retryable: true } }))).toBeInstanceOf(TransientError);
    expect(executionError('q3', failed({ StateChangeReason: 'ThrottlingException: Rate exceeded' }))).toBeInstanceOf(TransientError);
    expect(executionError('q4', failed({ StateChangeReason: 'HIVE_CANNOT_OPEN_SPLIT: Error opening s3://lake/x: Slow Down' }))).toBeInstanceOf(TransientError);
    expect(executionError('q5', failed({})).message).toMatch(/Athena gave no reason/);
    const denied = executionError('q6', failed({ StateChangeReason: 'Access denied when writing output to url: s3://athena-results/adp/q6.csv' }));
    expect(denied).toBeInstanceOf(EnvironmentError);
    expect(denied.message).toMatch(/check the IAM/);
  });

  it('reads the result file and the statistics Athena reports', () => {
    const execution: QueryExecution = {
      Status: { State: 'SUCCEEDED' },
      ResultConfiguration: { OutputLocation: 's3://athena-results/adp/q1.csv' },
      Statistics: { DataScannedInBytes: 123, EngineExecutionTimeInMillis: 45 },
    };
    expect(resultLocation('q1', execution)).toEqual({ bucket: 'athena-results', key: 'adp/q1.csv' });
    expect(executionStatistics(execution)).toEqual({ dataScannedBytes: 123, engineExecutionTimeMs: 45 });
    expect(executionStatistics({})).toEqual({});
    expect(() => resultLocation('q1', { ResultConfiguration: { OutputLocation: 's3://athena-results' } })).toThrow(QueryFailedError);
  });
});
