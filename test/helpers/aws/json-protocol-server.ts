import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An error the service answers with: `__type` and `Message` in the body, HTTP 400 unless said otherwise. */
export class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** One operation: the parsed JSON input in, the JSON output out (or a thrown ServiceError). */
export type Operation = (input: Record<string, unknown>) => unknown;

/** One request as the server saw it. */
export interface JsonRequest {
  readonly operation: string;
  readonly input: Record<string, unknown>;
}

/** A running JSON 1.1 server. */
export interface JsonProtocolServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly requests: readonly JsonRequest[];
  /** The next `count` requests (of `operation`, or of any) fail with `type` (default ThrottlingException, HTTP 400). */
  failNext(count: number, options?: { operation?: string; type?: string; status?: number }): void;
  close(): Promise<void>;
}

/**
 * An AWS JSON 1.1 protocol server on 127.0.0.1 (a free port): `POST /` with
 * `X-Amz-Target: <prefix>.<Operation>` and an `application/x-amz-json-1.1`
 * body, answered in kind, errors as `{"__type": …, "Message": …}` with the
 * `x-amzn-errortype` header. Signatures are not checked. What the real AWS
 * SDK clients of Glue and Athena speak.
 *
 * @example
 * const server = await startJsonProtocolServer('AWSGlue', { GetDatabase: ({ Name }) => ({ Database: { Name } }) });
 */
export async function startJsonProtocolServer(targetPrefix: string, operations: Record<string, Operation>): Promise<JsonProtocolServer> {
  const requests: JsonRequest[] = [];
  const failures: Array<{ operation?: string; type: string; status: number }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void answer(String(req.headers['x-amz-target'] ?? ''), Buffer.concat(chunks).toString('utf8')).then(({ status, body, type }) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `req-${requests.length}`, ...(type ? { 'x-amzn-errortype': type } : {}) });
        res.end(JSON.stringify(body));
      });
    });
  });

  async function answer(target: string, text: string): Promise<{ status: number; body: unknown; type?: string }> {
    const [prefix, operation = ''] = target.split('.');
    let input: Record<string, unknown>;
    try {
      input = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      return { status: 400, type: 'SerializationException', body: { __type: 'SerializationException', Message: 'the body is not JSON' } };
    }
    requests.push({ operation, input });
    const handler = prefix === targetPrefix ? operations[operation] : undefined;
    try {
      if (!handler) throw new ServiceError('UnknownOperationException', `${target} is not served here`);
      const failure = failures.findIndex((f) => f.operation === undefined || f.operation === operation);
      if (failure >= 0) {
        const [f] = failures.splice(failure, 1);
        throw new ServiceError(f!.type, 'Rate exceeded', f!.status);
      }
      return { status: 200, body: (await handler(input)) ?? {} };
    } catch (e) {
      if (!(e instanceof ServiceError)) {
        return { status: 500, type: 'InternalServerException', body: { __type: 'InternalServerException', Message: (e as Error).message } };
      }
      return { status: e.status, type: e.type, body: { __type: e.type, Message: e.message, ...e.fields } };
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    failNext(count, options = {}) {
      for (let i = 0; i < count; i += 1) failures.push({ operation: options.operation, type: options.type ?? 'ThrottlingException', status: options.status ?? 400 });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `items` cut into pages: at most `limit` from the position `token` names, and the token of the next page (opaque: the position). */
export function page<T>(items: readonly T[], token: unknown, limit: number): { items: T[]; next?: string } {
  const start = typeof token === 'string' && token !== '' ? Number(Buffer.from(token, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0 || start > items.length) throw new ServiceError('InvalidInputException', 'the NextToken is not valid');
  const end = Math.min(items.length, start + limit);
  return { items: items.slice(start, end), ...(end < items.length ? { next: Buffer.from(String(end), 'utf8').toString('base64url') } : {}) };
}
