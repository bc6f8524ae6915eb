import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../api/harness.js';

/** Path-like API parameters with traversal attempts; each must be refused (4xx) and never leak a file. */
const TRAVERSALS: [string, string, RequestInit?][] = [
  ['curation name', '/api/v1/curations/..%2F..%2Fetc%2Fpasswd'],
  ['curation name (dots)', '/api/v1/curations/..'],
  ['script of a traversing curation', '/api/v1/curations/..%2Fstate.db/script'],
  ['script at a traversing commit', '/api/v1/curations/wildrydes-rydebooking/script?commit=..%2F..%2F..%2Fetc%2Fpasswd'],
  ['run name', '/api/v1/runs/..%2F..%2Fstate.db'],
  ['run script', '/api/v1/runs/..%2F..%2Fadp.config.json/script'],
  [
    'catalog location',
    '/api/v1/catalog/evil/t',
    { method: 'PUT', body: JSON.stringify({ location: 'wildrydes-dev-staging/../../..', format: 'csv' }) },
  ],
  [
    'definition sqlFilePath',
    '/api/v1/curations/evil',
    {
      method: 'PUT',
      body: JSON.stringify({
        curationType: 'evil',
        sqlFilePath: '../adp.config.json',
        cronExpression: 'rate(1 day)',
        glueDetails: { database: 'wildrydes' },
        outputDetails: { outputBucket: 'wildrydes-dev-curated' },
      }),
    },
  ],
];

describe('API abuse: traversal in every path-like parameter, slow clients', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ rows: 10, server: { headersTimeoutMs: 500 } });
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(TRAVERSALS)('%s: refused with a 4xx, no file content', async (_name, path, init) => {
    const res = await t.api(path, init);
    const text = await res.text();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(text).not.toMatch(/root:|"driver"|SQLite format/);
    expect(t.internalErrors).toEqual([]);
  });

  it('closes a connection that trickles its headers past the headers timeout', async () => {
    const url = new URL(t.server.url);
    const socket = net.connect(Number(url.port), url.hostname);
    socket.on('error', () => {}); // the server hanging up mid-write is the point
    await new Promise((r) => socket.once('connect', r));
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // The header never ends: only the server's headers timeout (500 ms here) can end this connection.
    const header = 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ';
    let sent = 0;
    const timer = setInterval(() => {
      if (!socket.destroyed) socket.write(header[sent++ % header.length]!);
    }, 100);
    await closed;
    clearInterval(timer);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).not.toMatch(/"status"/);
  }, 30_000);

});
