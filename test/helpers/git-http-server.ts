import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the bridge answered, for counting clones and fetches. */
export interface GitHttpRequest {
  readonly method: string;
  /** Path and query, e.g. `/scripts.git/info/refs?service=git-upload-pack`. */
  readonly url: string;
  readonly status: number;
  readonly authorization: string | undefined;
}

export interface GitHttpServerOptions {
  /** GIT_PROJECT_ROOT: the folder whose bare repositories are served (`<root>/<name>.git`). */
  readonly root: string;
  /** When set, every request must carry this Basic authorization, else 401. */
  readonly basicAuth?: { readonly username: string; readonly password: string };
  /** Listen on this port (to come back where a closed server was); default: any free port. */
  readonly port?: number;
}

/**
 * Git's smart HTTP protocol on 127.0.0.1, served by the real `git http-backend`
 * through a small CGI bridge: each request spawns the backend with the CGI
 * environment, pipes the body in, and turns its CGI headers into the HTTP
 * response. Only upload-pack (clone and fetch) is enabled; tests push to the
 * bare repositories on disk.
 *
 * @example
 * const server = await GitHttpServer.start({ root: remotes });
 * await git.clone({ fs, http, dir, url: `${server.url}/scripts.git` });
 */
export class GitHttpServer {
  readonly requests: GitHttpRequest[] = [];
  readonly #server: http.Server;
  readonly #options: GitHttpServerOptions;

  private constructor(options: GitHttpServerOptions) {
    this.#options = options;
    this.#server = http.createServer((req, res) => this.#handle(req, res));
  }

  static async start(options: GitHttpServerOptions): Promise<GitHttpServer> {
    const s = new GitHttpServer(options);
    await new Promise<void>((resolve, reject) => {
      s.#server.once('error', reject);
      s.#server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    return s;
  }

  /** `http://127.0.0.1:<port>`; a repository is at `${url}/<name>.git`. */
  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Requests that started a clone or fetch (the ref advertisement of upload-pack). */
  get fetches(): number {
    return this.requests.filter((r) => r.method === 'GET' && r.url.includes('/info/refs?service=git-upload-pack') && r.status === 200).length;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record = (status: number) =>
      this.requests.push({ method: req.method ?? '', url: `${url.pathname}${url.search}`, status, authorization: req.headers.authorization });
    const auth = this.#options.basicAuth;
    if (auth && req.headers.authorization !== `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`) {
      record(401);
      req.resume();
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"', 'content-type': 'text/plain' });
      res.end('authentication required');
      return;
    }
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GIT_PROJECT_ROOT: this.#options.root,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: '127.0.0.1',
      SERVER_PROTOCOL: 'HTTP/1.1',
      ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
    };
    const backend = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    backend.stdout.on('data', (c: Buffer) => out.push(c));
    backend.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    backend.stdin.on('error', () => undefined);
    req.pipe(backend.stdin);
    backend.on('error', (e) => {
      record(500);
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`git http-backend did not start: ${e.message}`);
    });
    backend.on('close', () => {
      if (res.headersSent) return;
      const { status, headers, body } = parseCgiOutput(Buffer.concat(out));
      record(status);
      res.writeHead(status, headers);
      res.end(body.length === 0 && status >= 400 ? stderr : body);
    });
  }
}

/** Splits CGI output into a status (the `Status:` header, else 200), headers and body. */
export function parseCgiOutput(out: Buffer): { status: number; headers: Record<string, string>; body: Buffer } {
  const crlf = out.indexOf('\r\n\r\n');
  const lf = out.indexOf('\n\n');
  const useCrlf = crlf >= 0 && (lf < 0 || crlf < lf);
  const end = useCrlf ? crlf : lf;
  if (end < 0) return { status: 502, headers: { 'content-type': 'text/plain' }, body: Buffer.from('no CGI headers from git http-backend') };
  const headers: Record<string, string> = {};
  let status = 200;
  for (const line of out.toString('latin1', 0, end).split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'status') status = Number.parseInt(value, 10) || 500;
    else headers[name] = value;
  }
  return { status, headers, body: out.subarray(end + (useCrlf ? 4 : 2)) };
}
