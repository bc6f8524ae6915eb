// The API's response shapes, taken from the server's own schemas (types only: nothing of the server is bundled).
export type { HistoryRecord, TerminalStatus } from '../domain/history.js';
export type { CurationDefinition } from '../domain/curation.js';
export type { DependencyGraph } from '../domain/dependency-graph.js';
export type { CurationSummary, RunView } from '../server/schemas/records.js';

export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

export interface HistoryPage {
  readonly records: import('../domain/history.js').HistoryRecord[];
  readonly nextCursor?: string;
}

export interface Script {
  readonly path: string;
  readonly commitId: string;
  readonly text: string;
}

export interface BackfillPlan {
  readonly count: number;
  readonly scheduledTimes: string[];
  readonly ticks: { scheduledTime: string; status: 'pending' | 'succeeded' | 'active'; curationExecutionName?: string }[];
  /** Runs queued by this call. */
  readonly runs: { curationExecutionName: string; scheduledTime: string }[];
}

export type { TimelinePoint, TimelineCell, TimeAxis } from '../domain/timeline.js';

/** GET /timeline: each run (`points`), or counts per bucket (`cells`, `bucketMinutes`). */
export interface TimelineResponse {
  readonly from: number;
  readonly to: number;
  readonly by: import('../domain/timeline.js').TimeAxis;
  readonly total: number;
  readonly points?: import('../domain/timeline.js').TimelinePoint[];
  readonly bucketMinutes?: number;
  readonly cells?: import('../domain/timeline.js').TimelineCell[];
}

export type { OutputPreview } from '../engine/output-preview/preview-output.js';
