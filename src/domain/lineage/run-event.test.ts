import { describe, expect, it } from 'vitest';
import { runEventProblems } from '../../../test/helpers/openlineage-server.js';
import { historyRecordFixture } from '../../ports/state-store.contract.js';
import { datasetOfLocation, tableReference } from './datasets.js';
import { ADP_PRODUCER, lineageRunEvent, RUN_EVENT_SCHEMA_URL } from './run-event.js';
import { lineageRunId } from './run-id.js';

const inputs = [{ namespace: 's3://raw-data', name: 'wildrydes/rydebookings' }];
const script = { repoUrl: 'https://git.example.com/data/scripts.git', path: 'wildrydes/rydebooking-curation.sql', branch: 'main' };

describe('OpenLineage run events of a history record (checked by the RunEvent rules of the spec)', () => {
  it('derives run.runId from the execution name alone: a UUID (version 5), the same every time', () => {
    const id = lineageRunId('20270104100000K3QZ8A_wildrydes_rydebooking');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(lineageRunId('20270104100000K3QZ8A_wildrydes_rydebooking')).toBe(id);
    expect(lineageRunId('20270104100000K3QZ8B_wildrydes_rydebooking')).not.toBe(id);
  });

  it('START at startedAt and COMPLETE at the record’s time: same run, job = namespace + curationType, SQL, commit and schedule facets', () => {
    const record = historyRecordFixture();
    const start = lineageRunEvent({ phase: 'start', record, inputs, sql: 'select 1', script });
    const complete = lineageRunEvent({ phase: 'end', record, inputs, sql: 'select 1', script, jobNamespace: 'analytics' });
    for (const e of [start, complete]) expect(runEventProblems(JSON.parse(JSON.stringify(e)))).toEqual([]);
    expect(start).toMatchObject({ eventType: 'START', eventTime: '2027-01-04T10:00:00.200Z', producer: ADP_PRODUCER, schemaURL: RUN_EVENT_SCHEMA_URL, job: { namespace: 'adp', name: 'wildrydes-rydebooking' }, inputs, outputs: [] });
    expect(complete).toMatchObject({ eventType: 'COMPLETE', eventTime: '2027-01-04T10:00:05.000Z', job: { namespace: 'analytics' } });
    expect(complete.run.runId).toBe(start.run.runId);
    expect(complete.run.facets?.nominalTime).toMatchObject({ nominalStartTime: '2027-01-04T10:00:00.000Z' });
    expect(complete.job.facets?.sql).toMatchObject({ query: 'select 1', dialect: 'duckdb', _producer: ADP_PRODUCER, _schemaURL: expect.stringMatching(/SQLJobFacet\.json#\/\$defs\/SQLJobFacet$/) });
    expect(complete.job.facets?.sourceCodeLocation).toMatchObject({ type: 'git', url: script.repoUrl, path: script.path, version: record.scriptFileCommitId, branch: 'main' });
    expect(complete.outputs).toEqual([
      {
        namespace: 's3://curated-data',
        name: 'rydebookings/rydebookings20270104100000.csv',
        outputFacets: { outputStatistics: expect.objectContaining({ rowCount: 42, size: 1024 }) },
      },
    ]);
    expect(complete.run.facets?.errorMessage).toBeUndefined();
  });

  it('FAIL (failed, timed out) and ABORT (cancelled) carry the error; no output; no SQL or nominal time when unknown', () => {
    const failed = historyRecordFixture({ status: 'failed', curationOutputLocation: undefined, error: 'QUERY_FAILED', errorCause: { errorType: 'QueryFailedError', errorMessage: 'Binder Error: no_such_column' } });
    const fail = lineageRunEvent({ phase: 'end', record: failed, inputs: [] });
    expect(runEventProblems(JSON.parse(JSON.stringify(fail)))).toEqual([]);
    expect(fail).toMatchObject({ eventType: 'FAIL', outputs: [], run: { facets: { errorMessage: { message: 'QUERY_FAILED: Binder Error: no_such_column', programmingLanguage: 'SQL' } } } });
    expect(fail.job.facets?.sql).toBeUndefined();
    expect(lineageRunEvent({ phase: 'end', record: historyRecordFixture({ status: 'timed_out' }), inputs: [] }).eventType).toBe('FAIL');
    const abort = lineageRunEvent({ phase: 'end', record: historyRecordFixture({ status: 'cancelled', scheduledTime: undefined }), inputs: [] });
    expect(abort.eventType).toBe('ABORT');
    expect(abort.outputs).toEqual([]);
    expect(abort.run.facets?.nominalTime).toBeUndefined();
    expect(abort.run.facets?.errorMessage).toMatchObject({ message: 'cancelled' });
  });

  it('the validating rules refuse what the spec refuses', () => {
    const good = JSON.parse(JSON.stringify(lineageRunEvent({ phase: 'start', record: historyRecordFixture(), inputs, sql: 'select 1' })));
    const broken = { ...good, eventType: 'DONE', eventTime: '2027-01-04 10:00', producer: 'adp', run: { runId: 'run-1' }, job: { namespace: '', name: 'x', facets: { sql: { _producer: 'x y', _schemaURL: ADP_PRODUCER } } } };
    expect(runEventProblems(broken)).toEqual([
      'eventType: "DONE" is not START, RUNNING, COMPLETE, ABORT, FAIL or OTHER',
      'eventTime: "2027-01-04 10:00" is not an ISO 8601 date-time',
      'producer: "adp" is not a URI',
      'run.runId: "run-1" is not a UUID',
      'job.namespace: missing or empty',
      'job.facets.sql._producer: "x y" is not a URI',
      'job.facets.sql: query must be a string',
    ]);
  });
});

describe('dataset names from locations (the OpenLineage naming rules)', () => {
  it('s3 buckets, local files, other schemes; folders without the trailing slash', () => {
    expect(datasetOfLocation('s3://raw/wildrydes/rydebookings/')).toEqual({ namespace: 's3://raw', name: 'wildrydes/rydebookings' });
    expect(datasetOfLocation('file:///home/adp/buckets/raw/wildrydes/')).toEqual({ namespace: 'file', name: '/home/adp/buckets/raw/wildrydes' });
    expect(datasetOfLocation('gs://b/k.csv')).toEqual({ namespace: 'gs://b', name: 'k.csv' });
    expect(datasetOfLocation('s3://bucket')).toEqual({ namespace: 's3://bucket', name: '/' });
    expect(datasetOfLocation('not a uri')).toBeUndefined();
  });

  it('a glueDetails.tables entry is in the definition’s database unless it names one', () => {
    expect(tableReference('wildrydes', 'rydebookings')).toEqual({ database: 'wildrydes', table: 'rydebookings' });
    expect(tableReference('wildrydes', 'wildrydes-external.ryders')).toEqual({ database: 'wildrydes-external', table: 'ryders' });
  });
});
