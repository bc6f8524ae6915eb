import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the capture server saw it. */
export interface CapturedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** How to answer: a status and body, after a delay; `hang` never answers (for timeouts). */
export interface Reply {
  readonly status?: number;
  readonly body?: string | object;
  readonly headers?: Record<string, string>;
  readonly delayMs?: number;
  readonly hang?: boolean;
}

export type Handler = (req: CapturedRequest) => Reply | Promise<Reply>;

/**
 * A protocol-level HTTP server on 127.0.0.1 that records every request and
 * answers with `handler` (default 200 "ok"). `down()` stops listening on its
 * port (connections are refused) and `up()` listens on the same port again.
 */
export class CaptureServer {
  readonly requests: CapturedRequest[] = [];
  handler: Handler;
  readonly #server: http.Server;
  #port = 0;

  private constructor(handler: Handler) {
    this.handler = handler;
    this.#server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const captured: CapturedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.requests.push(captured);
        const reply = await this.handler(captured);
        if (reply.hang) return;
        if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
        const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? 'ok');
        const type = typeof reply.body === 'object' ? 'application/json' : 'text/plain';
        res.writeHead(reply.status ?? 200, { 'content-type': type, ...reply.headers });
        res.end(body);
      });
    });
  }

  static async start(handler: Handler = () => ({ status: 200, body: 'ok' })): Promise<CaptureServer> {
    const s = new CaptureServer(handler);
    await s.up();
    return s;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  async up(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        this.#port = (this.#server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  async down(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  async close(): Promise<void> {
    if (this.#server.listening) await this.down();
  }
}

/** A `_bulk` answer for an NDJSON request: every item `status` (or what `statusFor` says for that document id). */
export function bulkReply(req: CapturedRequest, statusFor: (id: string) => number = () => 201): Reply {
  const lines = req.body.split('\n').filter((l) => l.trim() !== '');
  const items: unknown[] = [];
  for (let i = 0; i < lines.length; i += 2) {
    const action = JSON.parse(lines[i]!) as { index: { _index: string; _id: string } };
    const status = statusFor(action.index._id);
    const ok = status < 300;
    items.push({
      index: {
        _index: action.index._index,
        _id: action.index._id,
        status,
        ...(ok ? { result: 'created' } : { error: { type: status === 429 ? 'es_rejected_execution_exception' : 'mapper_parsing_exception', reason: `status ${status}` } }),
      },
    });
  }
  return { status: 200, body: { took: 1, errors: items.some((i) => (i as { index: { status: number } }).index.status >= 300), items } };
}

/** Polls `check` every 10 ms until it returns true, or fails after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
