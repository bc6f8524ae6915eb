import type { HistoryRecord } from '../../domain/history.js';
import type { StateStore } from '../../ports/state-store.js';

const PAGE = 500;
/** Pages read per poll at most; a backlog larger than this is read over several polls. */
const MAX_PAGES = 40;

/**
 * The history records written since the feed started, each handed out once.
 * Reading the store (instead of hooking one worker) counts every run, whoever
 * executed it: this server's workers, `adp run --wait`, another process.
 * Records can land slightly out of timestamp order (a run's timestamp is taken
 * just before its write), so each poll re-reads a window before the newest
 * timestamp seen and skips names it already returned.
 */
export class HistoryFeed {
  readonly #state: StateStore;
  readonly #startMs: number;
  readonly #overlapMs: number;
  readonly #seen = new Map<string, number>();
  #watermark: number;
  #busy: Promise<HistoryRecord[]> = Promise.resolve([]);

  constructor(state: StateStore, startMs: number, overlapMs = 60_000) {
    this.#state = state;
    this.#startMs = startMs;
    this.#overlapMs = overlapMs;
    this.#watermark = startMs;
  }

  /** Records not returned before, oldest first. Concurrent calls run one after another. */
  poll(): Promise<HistoryRecord[]> {
    this.#busy = this.#busy.then(
      () => this.#read(),
      () => this.#read(),
    );
    return this.#busy;
  }

  async #read(): Promise<HistoryRecord[]> {
    const from = Math.max(this.#startMs, this.#watermark - this.#overlapMs);
    const fresh: HistoryRecord[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await this.#state.listHistory({ from, limit: PAGE, cursor });
      for (const r of result.records) {
        if (this.#seen.has(r.curationExecutionName)) continue;
        this.#seen.set(r.curationExecutionName, r.timestamp);
        fresh.push(r);
      }
      if (result.nextCursor === undefined) break;
      cursor = result.nextCursor;
    }
    for (const r of fresh) this.#watermark = Math.max(this.#watermark, r.timestamp);
    const forgetBefore = this.#watermark - this.#overlapMs;
    for (const [name, ts] of this.#seen) if (ts < forgetBefore) this.#seen.delete(name);
    return fresh.reverse();
  }
}
