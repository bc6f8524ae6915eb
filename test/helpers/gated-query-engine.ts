import type { ObjectStore } from '../../src/ports/object-store.js';
import type { QueryEngine, QueryRequest, QueryStatus } from '../../src/ports/query-engine.js';

interface Job {
  readonly request: QueryRequest;
  state: 'RUNNING' | 'SUCCEEDED' | 'CANCELLED';
}

/**
 * A QueryEngine for scheduler tests: each query writes a one-row CSV through
 * the real object store, but only once released (or at once when `instant`),
 * so tests can hold runs in flight and count how many run together.
 */
export class GatedQueryEngine implements QueryEngine {
  readonly name = 'gated';
  readonly #jobs = new Map<string, Job>();
  readonly #objects: ObjectStore;
  #released = false;
  #next = 0;
  /** Most queries running at the same time so far. */
  maxRunning = 0;

  constructor(objects: ObjectStore, options: { instant?: boolean } = {}) {
    this.#objects = objects;
    this.#released = options.instant ?? false;
  }

  /** Queries currently running. */
  get running(): number {
    return [...this.#jobs.values()].filter((j) => j.state === 'RUNNING').length;
  }

  /** Lets every query (now and later) finish. */
  release(): void {
    this.#released = true;
  }

  async start(request: QueryRequest): Promise<string> {
    const id = `q${++this.#next}`;
    this.#jobs.set(id, { request, state: 'RUNNING' });
    this.maxRunning = Math.max(this.maxRunning, this.running);
    return id;
  }

  async status(id: string): Promise<QueryStatus> {
    const job = this.#jobs.get(id);
    if (!job) return { state: 'FAILED', error: new Error(`unknown query ${id}`) };
    if (job.state === 'RUNNING' && this.#released) {
      const key = `${job.request.output.folder}${id}.csv`;
      await this.#objects.putText(job.request.output.bucket, key, 'n\n1\n');
      job.state = 'SUCCEEDED';
      return { state: 'SUCCEEDED', result: { bucket: job.request.output.bucket, key, rowCount: 1, bytes: 4 } };
    }
    if (job.state === 'SUCCEEDED') {
      const key = `${job.request.output.folder}${id}.csv`;
      return { state: 'SUCCEEDED', result: { bucket: job.request.output.bucket, key, rowCount: 1, bytes: 4 } };
    }
    return { state: job.state };
  }

  async cancel(id: string): Promise<void> {
    const job = this.#jobs.get(id);
    if (job?.state === 'RUNNING') job.state = 'CANCELLED';
  }

  async explain(): Promise<string> {
    return 'plan';
  }

  async close(): Promise<void> {}
}
