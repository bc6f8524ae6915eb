import fs from 'node:fs';
import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privatePostgresAvailable, startPrivatePostgres, type PrivatePostgres } from './private-postgres.js';

const available = privatePostgresAvailable();
const title = available
  ? 'private PostgreSQL server'
  : 'private PostgreSQL server (skipped: no PostgreSQL server binaries under /usr/lib/postgresql; apt-get install postgresql)';

/** Milliseconds `fn` took. */
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return Math.round(performance.now() - t0);
}

/** Opens and closes one connection. */
async function connectOnce(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  await client.connect();
  await client.end();
}

describe.skipIf(!available)(title, () => {
  let server: PrivatePostgres;
  let pool: pg.Pool;
  const poolErrors: Error[] = [];
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    timings.start = await timed(async () => (server = await startPrivatePostgres()));
    // idleTimeoutMillis 0 keeps idle clients open, so restart and kill hit them.
    pool = new pg.Pool({ connectionString: server.url, max: 4, idleTimeoutMillis: 0 });
    // Without this handler, an idle client's error (server shutdown, crash) is an uncaught 'error' event
    // that crashes the process. The pool drops that client and the next query opens a new connection.
    pool.on('error', (err) => poolErrors.push(err));
  });

  afterAll(async () => {
    if (pool && !pool.ended) await pool.end();
    await server?.stop();
    console.info(`private postgres timings (ms): ${JSON.stringify(timings)}`);
  });

  it('listens on 127.0.0.1 at its own port and stores data', async () => {
    expect(server.url).toBe(`postgres://postgres@127.0.0.1:${server.port}/postgres`);
    expect(server.port).not.toBe(5432);
    await pool.query('create table t (id int primary key, v text)');
    await pool.query("insert into t values (1, 'before restart')");
    const { rows } = await pool.query<{ port: string; max: string }>(
      "select current_setting('port') as port, current_setting('max_connections') as max",
    );
    expect(rows).toEqual([{ port: String(server.port), max: '200' }]);
  });

  it("restart: the pool's next query succeeds on a new connection", async () => {
    const before = await pool.query<{ pid: number; started: Date }>('select pg_backend_pid() as pid, pg_postmaster_start_time() as started');
    timings.restart = await timed(() => server.restart());
    const after = await pool.query<{ pid: number; started: Date }>('select pg_backend_pid() as pid, pg_postmaster_start_time() as started');
    expect(after.rows[0]!.started.getTime()).toBeGreaterThan(before.rows[0]!.started.getTime());
    expect(after.rows[0]!.pid).not.toBe(before.rows[0]!.pid);
    // The idle client got "terminating connection due to administrator command" (57P01).
    expect(poolErrors.map((e) => (e as Error & { code?: string }).code)).toContain('57P01');
    await pool.query("insert into t values (2, 'before kill')");
  });

  it('kill + start: committed rows survive crash recovery', async () => {
    const errorsBefore = poolErrors.length;
    timings.kill = await timed(() => server.kill());
    await expect(connectOnce(server.url)).rejects.toThrow(/ECONNREFUSED/);
    timings.startAfterKill = await timed(() => server.start());
    const { rows } = await pool.query('select id, v from t order by id');
    expect(rows).toEqual([
      { id: 1, v: 'before restart' },
      { id: 2, v: 'before kill' },
    ]);
    expect(poolErrors.length).toBeGreaterThan(errorsBefore); // the idle client saw the crash
    expect(fs.readFileSync(server.logFile, 'utf8')).toMatch(/database system was not properly shut down; automatic recovery in progress/);
  });

  it('stop shuts down and removes the folder', async () => {
    await pool.end();
    expect(fs.existsSync(server.dir)).toBe(true);
    timings.stop = await timed(() => server.stop());
    expect(fs.existsSync(server.dir)).toBe(false);
    await server.stop(); // twice is fine
    await expect(server.start()).rejects.toThrow(/was stopped/);
  });
});

describe.skipIf(!available)(`${title}: a taken port`, () => {
  it('fails with the bind error instead of trusting whoever answers on the port', async () => {
    const squatter = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as net.AddressInfo;
    try {
      await expect(startPrivatePostgres({ port })).rejects.toThrow(/could not bind|could not create any TCP\/IP sockets/);
    } finally {
      squatter.close();
    }
  });
});
