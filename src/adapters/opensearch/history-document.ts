import type { HistoryRecord } from '../../domain/history.js';

/** The sample's document id: `curationType=<v>|timestamp=<v>` (one document per run, whatever redelivers it). */
export function historyDocumentId(record: HistoryRecord): string {
  return `curationType=${record.curationType}|timestamp=${record.timestamp}`;
}

/**
 * The indexed document: the record as stored, plus `@timestamp` (the
 * record's own time, ISO) and `@SequenceNumber` (the delivery order), the
 * fields existing Kibana / OpenSearch Dashboards views use.
 */
export function historyDocument(record: HistoryRecord, sequence: number): Record<string, unknown> {
  return { ...record, '@timestamp': new Date(record.timestamp).toISOString(), '@SequenceNumber': sequence };
}

/** Mappings for the fields people filter and aggregate on; the rest are mapped dynamically. */
export function historyMappings(): Record<string, unknown> {
  const keyword = { type: 'keyword' };
  const date = { type: 'date' };
  const long = { type: 'long' };
  const map = { type: 'object', dynamic: true };
  return {
    dynamic: true,
    properties: {
      curationType: keyword,
      timestamp: { type: 'date', format: 'epoch_millis' },
      '@timestamp': date,
      '@SequenceNumber': long,
      curationExecutionName: keyword,
      scriptFileCommitId: keyword,
      queryOutputLocation: keyword,
      curationOutputLocation: keyword,
      athenaQueryExecutionId: keyword,
      error: keyword,
      errorCause: { properties: { errorType: keyword, errorMessage: { type: 'text', fields: { raw: { type: 'keyword', ignore_above: 1024 } } } } },
      glueDetails: { properties: { database: keyword, tables: keyword } },
      // Folder paths and file names differ per curation; keep them whole and searchable.
      outputDetails: { type: 'object', dynamic: true, properties: { outputBucket: keyword, outputFolderPath: keyword, outputFilename: keyword } },
      metadata: map,
      tags: map,
      parameters: map,
      status: keyword,
      trigger: keyword,
      scheduledTime: date,
      startedAt: date,
      durationMs: long,
      rowCount: long,
      bytesWritten: long,
      sqlSha256: keyword,
      attempt: { type: 'integer' },
      engine: keyword,
      publishedFilename: keyword,
      curationKey: keyword,
      qualityChecks: {
        properties: { name: keyword, type: keyword, severity: keyword, passed: { type: 'boolean' }, observed: long, expected: keyword, error: { type: 'text' } },
      },
    },
  };
}
