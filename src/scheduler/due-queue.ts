/** An entry of a {@link DueQueue}: `key` is due at `at` (epoch ms); `gen` tells stale entries apart. */
export interface DueEntry {
  readonly at: number;
  readonly key: string;
  readonly gen: number;
}

/**
 * A binary min-heap of due times. The scheduler pushes a new entry when a
 * schedule changes and ignores entries whose `gen` is stale when they come
 * out, so no entry is ever searched for: push and pop are O(log n).
 */
export class DueQueue {
  readonly #heap: DueEntry[] = [];

  get size(): number {
    return this.#heap.length;
  }

  peek(): DueEntry | undefined {
    return this.#heap[0];
  }

  push(entry: DueEntry): void {
    const h = this.#heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.at <= entry.at) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = entry;
  }

  pop(): DueEntry | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const child = r < h.length && h[r]!.at < h[l]!.at ? r : l;
      if (h[child]!.at >= last.at) break;
      h[i] = h[child]!;
      i = child;
    }
    h[i] = last;
    return top;
  }

  /** Drops entries `isLive` rejects; used when stale entries pile up. */
  compact(isLive: (entry: DueEntry) => boolean): void {
    const kept = this.#heap.filter(isLive);
    this.#heap.length = 0;
    for (const e of kept) this.push(e);
  }
}
