import type { Clock } from '../../src/ports/clock.js';

interface Sleeper {
  readonly at: number;
  readonly resolve: () => void;
}

/** Lets promise callbacks and I/O callbacks queued so far run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

/**
 * A {@link Clock} that moves only when told: `sleep` resolves when
 * {@link FakeClock.advance} passes its wake-up time, in order, letting the
 * woken code run before moving on.
 *
 * @example
 * const clock = new FakeClock('2027-01-04T10:00:00Z');
 * await clock.advance(60_000);
 */
export class FakeClock implements Clock {
  #now: number;
  #sleepers: Sleeper[] = [];

  constructor(start: string | Date) {
    this.#now = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const sleeper: Sleeper = {
        at: this.#now + ms,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#sleepers.push(sleeper);
    });
  }

  /** Moves time forward by `ms`, waking sleepers in order of their wake-up time. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await settle();
    for (;;) {
      const next = this.#sleepers.filter((s) => s.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.#now = Math.max(this.#now, next.at);
      this.#sleepers = this.#sleepers.filter((s) => s !== next);
      next.resolve();
      await settle();
    }
    this.#now = target;
    await settle();
  }

  /** Jumps to `to` without waking anyone in between (a process that was not running). */
  set(to: string | Date): void {
    this.#now = new Date(to).getTime();
  }
}
