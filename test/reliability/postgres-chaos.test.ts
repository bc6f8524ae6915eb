import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adp, cleanup, tempDir } from '../helpers/cli.js';
import { privatePostgresAvailable, startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres.js';
import { pause, patchConfig, startServeProcess, type ServeProcess } from '../helpers/serve-process.js';

// Three `adp serve` processes share one PostgreSQL database (a server of this
// test's own, so restarting it disturbs no other test). Manual runs are queued
// over HTTP while scheduled curations tick every minute; every few seconds a
// random worker is killed with SIGKILL and replaced, and PostgreSQL restarts
// once. Afterwards every run and every tick has exactly one terminal record.
const SECONDS = Number(process.env.ADP_CHAOS_SECONDS ?? 70);
const MANUAL_RUNS = Number(process.env.ADP_CHAOS_RUNS ?? 240);
const KILL_EVERY_MS = 4_000;
// Counted, not timed: on a loaded machine a replacement worker takes longer to
// start, so the window stretches instead of the kills thinning out.
const KILLS = Math.floor((SECONDS * 1000) / KILL_EVERY_MS);
const SCHEDULED = 6;
const TOKEN = 'chaos-test-token-0123456789';
const MANUAL = 'chaos-manual';

describe.skipIf(!privatePostgresAvailable())(
  `postgres chaos: 3 adp serve workers, ${MANUAL_RUNS} manual runs and ${SCHEDULED} per-minute curations over ${SECONDS} s, kill -9 every ${KILL_EVERY_MS / 1000} s, one PostgreSQL restart`,
  () => {
    let server: PrivatePostgres;
    let home: string;
    let dir: string;
    let env: NodeJS.ProcessEnv;
    let db: pg.Pool;
    const workers: ServeProcess[] = [];
    const killed: string[] = [];

    beforeAll(async () => {
      server = await startPrivatePostgres();
      dir = tempDir();
      home = path.join(dir, 'home');
      env = { ...process.env, ADP_DATABASE_URL: server.url, ADP_API_TOKEN: TOKEN };
      const init = await adp(['--home', home, 'init', '--driver', 'postgres', '--database-url', server.url, '--example', 'wildrydes', '--rows', '300']);
      expect(init.code, init.stderr).toBe(0);
      patchConfig(home, {
        leaseSeconds: 2,
        maxConcurrentRuns: 6,
        maxConcurrentRunsPerWorker: 3,
        scheduler: { pollMs: 100, misfireGraceMs: 5_000 },
        retry: { maxAttempts: 6, intervalMs: 200, backoffRate: 1.5 },
      });
      const def = JSON.parse((await adp(['--home', home, 'curation', 'show', 'wildrydes-rydebooking', '--json'], '')).stdout).definition;
      // Named by query id: one object per run whatever the second it ran in.
      const { filename: _f, includeTimestampInFilename: _t, ...outputDetails } = def.outputDetails;
      const put = async (curationType: string, extra: object) => {
        const file = path.join(dir, `${curationType}.json`);
        fs.writeFileSync(file, JSON.stringify({ ...def, curationType, outputDetails: { ...outputDetails, outputFolderPath: `chaos/${curationType}/` }, ...extra }));
        const r = await adp(['--home', home, 'curation', 'put', file]);
        expect(r.code, r.stderr).toBe(0);
      };
      await adp(['--home', home, 'curation', 'rm', 'wildrydes-rydebooking']);
      await put(MANUAL, { enabled: false, overlap: 'queue' });
      for (let i = 0; i < SCHEDULED; i++) await put(`chaos-tick-${i}`, { cronExpression: 'cron(* * * * ? *)', overlap: 'queue' });
      db = new pg.Pool({ connectionString: server.url, max: 2 });
      db.on('error', () => undefined);
    }, 120_000);

    afterAll(async () => {
      for (const w of workers) w.child.kill('SIGKILL');
      await db?.end();
      await server?.stop();
      if (dir) cleanup(dir);
    });

    const spawnWorker = async () => {
      const w = await startServeProcess(home, { env, readyTimeoutMs: 60_000 });
      workers.push(w);
      return w;
    };
    const alive = () => workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    const urlOf = (w: ServeProcess) => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(w.lines.find((l) => l.includes('listening on')) ?? '')![1]!;

    /**
     * Requests that got no answer (the worker died or PostgreSQL restarted mid-request): each may have
     * queued its run before the connection broke, and is tried again, so it may count twice.
     */
    let unanswered = 0;
    /** Answers other than 202, by status: said on a failure. */
    const refused: number[] = [];
    /** Queues one manual run through whichever worker answers; a worker killed mid-request is just tried again. */
    const queueRun = async (): Promise<void> => {
      for (let attempt = 0; attempt < 20; attempt++) {
        const w = alive()[attempt % Math.max(1, alive().length)];
        if (w) {
          try {
            const res = await fetch(`${urlOf(w)}/api/v1/curations/${MANUAL}/runs`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
            if (res.status === 202 || res.status === 201) return;
            refused.push(res.status);
          } catch {
            // killed or restarting: next worker
            unanswered++;
          }
        }
        await pause(200);
      }
      throw new Error('no worker accepted a run in 20 attempts');
    };

    it('exactly one terminal record per run and per tick, one file per successful run, nothing left running', async () => {
      for (let i = 0; i < 3; i++) await spawnWorker();
      const startedAt = Date.now();
      let restarted = false;
      let queued = 0;
      const queuer = (async () => {
        const gap = (SECONDS * 1000 * 0.8) / MANUAL_RUNS;
        while (queued < MANUAL_RUNS) {
          await queueRun();
          queued++;
          await pause(gap);
        }
      })();
      for (let k = 0; k < KILLS; k++) {
        await pause(KILL_EVERY_MS);
        const victims = alive();
        const victim = victims[Math.floor(Math.random() * victims.length)];
        if (victim) {
          victim.child.kill('SIGKILL');
          await victim.exited;
          killed.push(String(victim.child.pid));
        }
        if (!restarted && k >= KILLS / 2) {
          restarted = true;
          await server.restart();
        }
        await spawnWorker();
      }
      await queuer;
      expect(restarted).toBe(true);
      const windowEnd = Date.now();

      // Recovery: the survivors finish what the dead left (leases lapse after 2 s).
      const deadline = Date.now() + 120_000;
      for (;;) {
        const { rows } = await db.query(
          `SELECT count(*)::int AS n FROM adp.runs r WHERE NOT EXISTS (SELECT 1 FROM adp.history h WHERE h.execution_name = r.execution_name)`,
        );
        if (rows[0].n === 0) break;
        if (Date.now() > deadline) throw new Error(`${rows[0].n} run(s) still without a terminal record`);
        await pause(250);
      }
      for (const w of alive()) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited));

      const runs = (await db.query('SELECT execution_name, curation_type, status, scheduled_time FROM adp.runs')).rows;
      const history = (await db.query('SELECT execution_name, curation_type, status, record FROM adp.history')).rows;
      const ticks = (await db.query('SELECT curation_type, scheduled_time, execution_name, outcome FROM adp.schedule_ticks')).rows;

      // Every run: exactly one record, and its status is terminal.
      const recordsByRun = new Map<string, number>();
      for (const h of history) recordsByRun.set(h.execution_name, (recordsByRun.get(h.execution_name) ?? 0) + 1);
      for (const r of runs) {
        expect(recordsByRun.get(r.execution_name), r.execution_name).toBe(1);
        expect(['queued', 'running']).not.toContain(r.status);
      }
      // Every accepted request queued its run; one that got no answer may have queued one as well.
      const manual = runs.filter((r) => r.curation_type === MANUAL).length;
      const said = `${manual} manual runs, ${unanswered} requests unanswered, answers refused: ${JSON.stringify(refused)}`;
      expect(manual, said).toBeGreaterThanOrEqual(MANUAL_RUNS);
      expect(manual, said).toBeLessThanOrEqual(MANUAL_RUNS + unanswered);

      // Every tick: claimed once (the key), with exactly one record; no minute of the window lost.
      for (const t of ticks) expect(recordsByRun.get(t.execution_name), `${t.curation_type} ${t.scheduled_time}`).toBe(1);
      const firstMinute = Math.ceil((startedAt + 10_000) / 60_000) * 60_000;
      for (let m = firstMinute; m < windowEnd - 5_000; m += 60_000) {
        for (let i = 0; i < SCHEDULED; i++) {
          const iso = new Date(m).toISOString();
          const tick = ticks.filter((t) => t.curation_type === `chaos-tick-${i}` && new Date(t.scheduled_time).toISOString() === iso);
          expect(tick, `chaos-tick-${i} at ${iso}`).toHaveLength(1);
        }
      }

      // One published file per successful run, and no file that no record owns.
      const outputs = new Set<string>();
      for (const h of history.filter((x) => x.status === 'succeeded')) {
        const file = fileURLToPath(h.record.curationOutputLocation);
        expect(outputs.has(file), `two runs published ${file}`).toBe(false);
        outputs.add(file);
        expect(fs.existsSync(file), file).toBe(true);
      }
      const bucket = path.join(home, 'buckets', 'wildrydes-dev-curated', 'chaos');
      const published = fs.readdirSync(bucket, { recursive: true }).map(String).filter((f) => f.endsWith('.csv')).map((f) => path.join(bucket, f));
      expect(published.sort()).toEqual([...outputs].sort());
      // Most runs must succeed: a failure is allowed only as the honest end of a run whose workers kept dying.
      const failed = history.filter((h) => h.status !== 'succeeded' && h.status !== 'skipped');
      for (const f of failed) expect(f.record.errorCause?.errorMessage, f.execution_name).toBeTruthy();
      expect(outputs.size).toBeGreaterThan(MANUAL_RUNS * 0.8);
      // How often a kill landed mid-run (runs are short, so often none: test/e2e/serve.test.ts proves the takeover itself).
      const takenOver = (await db.query('SELECT count(*)::int AS n FROM adp.run_leases WHERE claims > 1')).rows[0].n;
      console.log(
        `chaos: ${runs.length} runs, ${outputs.size} succeeded, ${failed.length} failed, ${ticks.length} ticks, ${killed.length} workers killed, ${takenOver} runs taken over`,
      );
      expect(killed).toHaveLength(KILLS);
    }, (SECONDS + 300) * 1000);
  },
);
