import type { WorkerInfo } from '../../ports/worker-registry.js';
import type { SqliteDatabase } from './connection.js';

interface WorkerRow {
  worker_id: string;
  host: string;
  pid: number;
  started_at: string;
  heartbeat_at: string;
  url: string | null;
}

/** The `workers` table: one row per live worker process, refreshed by its heartbeat. */
export class WorkerTable {
  readonly #upsert;
  readonly #list;
  readonly #remove;

  constructor(db: SqliteDatabase) {
    this.#upsert = db.prepare<WorkerRow>(
      `INSERT INTO workers (worker_id, host, pid, started_at, heartbeat_at, url) VALUES (@worker_id, @host, @pid, @started_at, @heartbeat_at, @url)
       ON CONFLICT (worker_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, url = excluded.url`,
    );
    this.#list = db.prepare<[string], WorkerRow>('SELECT * FROM workers WHERE heartbeat_at >= ? ORDER BY started_at, worker_id');
    this.#remove = db.prepare<[string]>('DELETE FROM workers WHERE worker_id = ?');
  }

  heartbeat(w: WorkerInfo): void {
    this.#upsert.run({
      worker_id: w.workerId,
      host: w.host,
      pid: w.pid,
      started_at: w.startedAt,
      heartbeat_at: w.heartbeatAt,
      url: w.url ?? null,
    });
  }

  list(aliveSince: string): WorkerInfo[] {
    return this.#list.all(aliveSince).map((r) => {
      const info: WorkerInfo = { workerId: r.worker_id, host: r.host, pid: r.pid, startedAt: r.started_at, heartbeatAt: r.heartbeat_at };
      return r.url === null ? info : { ...info, url: r.url };
    });
  }

  remove(workerId: string): void {
    this.#remove.run(workerId);
  }
}
