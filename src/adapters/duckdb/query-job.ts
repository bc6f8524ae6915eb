import type { DuckDBConnection } from '@duckdb/node-api';
import type { QueryState, QueryStatus } from '../../ports/query-engine.js';

/** One started query, as the engine tracks it in memory. */
export interface QueryJob {
  readonly id: string;
  state: QueryState;
  result?: QueryStatus['result'];
  error?: Error;
  /** Set while the query owns a connection, so cancel and close can interrupt it. */
  connection?: DuckDBConnection;
  cancelRequested: boolean;
  /** Resolves once the job reached a terminal state and released its connection and staging file. */
  done: Promise<void>;
  settled: boolean;
}

const INTERRUPT_EVERY_MS = 50;

/**
 * Interrupts the job's query until it settles or `timeoutMs` passes. DuckDB
 * forgets an interrupt that arrives between two statements, so one call is
 * not enough when the job is between its checks and its COPY.
 */
export async function interruptUntilSettled(job: QueryJob, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!job.settled && Date.now() < deadline) {
    job.connection?.interrupt();
    await Promise.race([job.done, new Promise((resolve) => setTimeout(resolve, INTERRUPT_EVERY_MS))]);
  }
}

/** The status the port reports for a job. */
export function jobStatus(job: QueryJob): QueryStatus {
  switch (job.state) {
    case 'SUCCEEDED':
      return { state: job.state, ...(job.result ? { result: job.result } : {}) };
    case 'FAILED':
      return { state: job.state, ...(job.error ? { error: job.error } : {}) };
    default:
      return { state: job.state };
  }
}
