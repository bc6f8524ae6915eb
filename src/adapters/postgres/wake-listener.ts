import pg from 'pg';
import type { WakeSignal, WakeTopic } from '../../ports/wake-signal.js';

/** Longest wait between two attempts to get a lost listener back. */
const MAX_BACKOFF_MS = 5_000;
const FIRST_BACKOFF_MS = 100;
const TOPICS: readonly WakeTopic[] = ['runs', 'curations'];

/** The channel the schema's triggers notify (see migration 2): `<schema>.wake`, the schema cut to fit NAMEDATALEN. */
export function wakeChannel(schema: string): string {
  return `${schema.slice(0, 58)}.wake`;
}

/**
 * {@link WakeSignal} over LISTEN/NOTIFY: one dedicated connection (not from
 * the pool, which would hand it to other work) LISTENs on the schema's
 * channel for every subscriber. When the connection is lost it comes back
 * with bounded backoff; meanwhile subscribers only poll, and once back they
 * get every topic once, since notifications sent in between were missed.
 *
 * @example
 * const stop = await listener.subscribe((topic) => (topic === 'runs' ? pool.notify() : scheduler.notify()));
 */
export class WakeListener implements WakeSignal {
  readonly #config: pg.ClientConfig;
  readonly #channel: string;
  readonly #listeners = new Set<(topic: WakeTopic) => void>();
  #client: pg.Client | undefined;
  #connecting: Promise<void> | undefined;
  #retry: NodeJS.Timeout | undefined;
  #failures = 0;
  #everConnected = false;
  #closed = false;

  constructor(config: pg.ClientConfig, schema: string) {
    this.#config = config;
    this.#channel = wakeChannel(schema);
  }

  /** Resolves once the listener is listening (or its first attempt failed: it keeps trying in the background). */
  async subscribe(listener: (topic: WakeTopic) => void): Promise<() => Promise<void>> {
    this.#listeners.add(listener);
    if (!this.#client && !this.#retry) await (this.#connecting ??= this.#connect());
    return async () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) await this.#disconnect();
    };
  }

  /** Ends the connection and stops reconnecting; closing twice is harmless. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    await this.#disconnect();
  }

  async #connect(): Promise<void> {
    const client = new pg.Client(this.#config);
    // Attached before connecting: an error event without a listener would crash the process.
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    client.on('notification', (msg) => {
      if (msg.channel === this.#channel && (TOPICS as readonly string[]).includes(msg.payload ?? '')) this.#emit(msg.payload as WakeTopic);
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.#channel}"`);
    } catch {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      this.#connecting = undefined;
      this.#schedule();
      return;
    }
    this.#connecting = undefined;
    if (this.#closed || this.#listeners.size === 0) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#failures = 0;
    // Whatever was notified while no connection listened is lost: tell everyone to look now.
    if (this.#everConnected) for (const topic of TOPICS) this.#emit(topic);
    this.#everConnected = true;
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    client.end().catch(() => undefined);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#closed || this.#listeners.size === 0 || this.#retry) return;
    const delay = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** this.#failures) * (0.5 + Math.random() / 2);
    this.#failures++;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.#connecting ??= this.#connect();
    }, delay);
    this.#retry.unref();
  }

  async #disconnect(): Promise<void> {
    clearTimeout(this.#retry);
    this.#retry = undefined;
    await this.#connecting;
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  #emit(topic: WakeTopic): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(topic);
      } catch {
        // A subscriber's bug must not stop the others from waking.
      }
    }
  }
}
