/**
 * Joins calls made while a query of the same kind is in flight into the next
 * single query, so concurrent runs share a round trip. A call never waits for
 * a timer: alone, it is sent at once; otherwise it goes out as soon as the
 * query before it returns, so it still sees everything committed before it
 * was made.
 *
 * @example
 * const cancels = new Batcher((names: string[]) => lookUp(names));
 * const found = await cancels.load(['run-1']); // the same Map for every caller of one batch
 */
export class Batcher<K, V> {
  readonly #fetch: (keys: K[]) => Promise<V>;
  #queued: { keys: readonly K[]; resolve: (value: V) => void; reject: (error: unknown) => void }[] = [];
  #busy = false;

  constructor(fetch: (keys: K[]) => Promise<V>) {
    this.#fetch = fetch;
  }

  /** The result of the query that carried `keys` (and whatever other keys went with them). */
  load(keys: readonly K[]): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      this.#queued.push({ keys, resolve, reject });
      if (!this.#busy) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#busy = true;
    try {
      while (this.#queued.length > 0) {
        const batch = this.#queued;
        this.#queued = [];
        try {
          const value = await this.#fetch(batch.flatMap((b) => b.keys));
          for (const b of batch) b.resolve(value);
        } catch (e) {
          for (const b of batch) b.reject(e);
        }
      }
    } finally {
      this.#busy = false;
    }
  }
}
