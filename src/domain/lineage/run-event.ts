import type { HistoryRecord, TerminalStatus } from '../history.js';
import type { LineageDatasetName } from './datasets.js';
import { datasetOfLocation } from './datasets.js';
import { lineageRunId } from './run-id.js';

/** The OpenLineage spec version adp's run events follow (the 1.x clients' schema). */
export const RUN_EVENT_SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
/** `producer` of every event and facet, unless the sink names another. */
export const ADP_PRODUCER = 'https://github.com/aws-samples/accelerated-data-pipelines';
/** The jobs' namespace unless the sink sets `namespace`. */
export const DEFAULT_JOB_NAMESPACE = 'adp';

const FACET_SCHEMAS = {
  sql: 'https://openlineage.io/spec/facets/1-1-0/SQLJobFacet.json#/$defs/SQLJobFacet',
  sourceCodeLocation: 'https://openlineage.io/spec/facets/1-0-1/SourceCodeLocationJobFacet.json#/$defs/SourceCodeLocationJobFacet',
  jobType: 'https://openlineage.io/spec/facets/2-0-3/JobTypeJobFacet.json#/$defs/JobTypeJobFacet',
  nominalTime: 'https://openlineage.io/spec/facets/1-0-1/NominalTimeRunFacet.json#/$defs/NominalTimeRunFacet',
  errorMessage: 'https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet',
  outputStatistics: 'https://openlineage.io/spec/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet',
} as const;

export type RunEventType = 'START' | 'COMPLETE' | 'FAIL' | 'ABORT';

/** Every facet carries who wrote it and the schema it follows. */
export interface Facet {
  readonly _producer: string;
  readonly _schemaURL: string;
  readonly [field: string]: unknown;
}

export interface LineageDataset extends LineageDatasetName {
  readonly facets?: Readonly<Record<string, Facet>>;
  /** Output datasets only: facets of this run's write (statistics). */
  readonly outputFacets?: Readonly<Record<string, Facet>>;
}

/** An OpenLineage RunEvent, as sent. */
export interface RunEvent {
  readonly eventType: RunEventType;
  readonly eventTime: string;
  readonly run: { readonly runId: string; readonly facets?: Readonly<Record<string, Facet>> };
  readonly job: { readonly namespace: string; readonly name: string; readonly facets?: Readonly<Record<string, Facet>> };
  readonly inputs: readonly LineageDataset[];
  readonly outputs: readonly LineageDataset[];
  readonly producer: string;
  readonly schemaURL: string;
}

/** Where the run's script is: the repository, the file in it and the commit. */
export interface ScriptLocation {
  /** The repository as a URI (an https clone URL, `file:///…` for a local one). */
  readonly repoUrl: string;
  readonly path?: string;
  readonly branch?: string;
}

/** What one event is made of, besides the record: facts read at delivery. */
export interface RunEventInput {
  readonly phase: 'start' | 'end';
  readonly record: HistoryRecord;
  readonly jobNamespace?: string;
  readonly producer?: string;
  /** The tables the query read, as datasets (resolved with the catalog). */
  readonly inputs: readonly LineageDatasetName[];
  /** The SQL the run executed, when known. */
  readonly sql?: string;
  readonly script?: ScriptLocation;
}

/** The end event's type: COMPLETE, ABORT for a cancelled run, FAIL otherwise. */
export function endEventType(status: TerminalStatus): Exclude<RunEventType, 'START'> {
  return status === 'succeeded' ? 'COMPLETE' : status === 'cancelled' ? 'ABORT' : 'FAIL';
}

/**
 * The OpenLineage RunEvent of a run's start or end, from its history record:
 * job = the curation (`namespace`, curationType) with its SQL, script
 * location and type; run = a UUID of the execution name with the nominal
 * (scheduled) time and, on FAIL/ABORT, the error; inputs = the tables read;
 * output (COMPLETE only) = the published object with its row count and size.
 * The start's time is the run's `startedAt`, the end's the record's time.
 */
export function lineageRunEvent(input: RunEventInput): RunEvent {
  const { record } = input;
  const producer = input.producer ?? ADP_PRODUCER;
  const facet = (kind: keyof typeof FACET_SCHEMAS, fields: Record<string, unknown>): Facet => ({ _producer: producer, _schemaURL: FACET_SCHEMAS[kind], ...fields });
  const eventType = input.phase === 'start' ? 'START' : endEventType(record.status);

  const jobFacets: Record<string, Facet> = {
    jobType: facet('jobType', { processingType: 'BATCH', integration: 'ADP', jobType: 'QUERY' }),
  };
  if (input.sql !== undefined) jobFacets.sql = facet('sql', { query: input.sql, dialect: record.engine });
  if (input.script && record.scriptFileCommitId) {
    const s = input.script;
    jobFacets.sourceCodeLocation = facet('sourceCodeLocation', {
      type: 'git',
      url: s.repoUrl,
      repoUrl: s.repoUrl,
      ...(s.path ? { path: s.path } : {}),
      version: record.scriptFileCommitId,
      ...(s.branch ? { branch: s.branch } : {}),
    });
  }

  const runFacets: Record<string, Facet> = {};
  if (record.scheduledTime) runFacets.nominalTime = facet('nominalTime', { nominalStartTime: new Date(record.scheduledTime).toISOString() });
  if (eventType === 'FAIL' || eventType === 'ABORT') {
    const message = [record.error, record.errorCause?.errorMessage].filter(Boolean).join(': ') || record.status;
    runFacets.errorMessage = facet('errorMessage', { message, programmingLanguage: 'SQL' });
  }

  const outputs: LineageDataset[] = [];
  const published = eventType === 'COMPLETE' && record.curationOutputLocation ? datasetOfLocation(record.curationOutputLocation) : undefined;
  if (published) {
    const stats = { ...(record.rowCount !== undefined ? { rowCount: record.rowCount } : {}), ...(record.bytesWritten !== undefined ? { size: record.bytesWritten } : {}) };
    outputs.push({ ...published, ...(Object.keys(stats).length ? { outputFacets: { outputStatistics: facet('outputStatistics', stats) } } : {}) });
  }

  return {
    eventType,
    eventTime: input.phase === 'start' ? new Date(record.startedAt).toISOString() : new Date(record.timestamp).toISOString(),
    run: { runId: lineageRunId(record.curationExecutionName), ...(Object.keys(runFacets).length ? { facets: runFacets } : {}) },
    job: { namespace: input.jobNamespace ?? DEFAULT_JOB_NAMESPACE, name: record.curationType, facets: jobFacets },
    inputs: input.inputs.map((d) => ({ namespace: d.namespace, name: d.name })),
    outputs,
    producer,
    schemaURL: RUN_EVENT_SCHEMA_URL,
  };
}
