/** One schema change; `version` numbers start at 1 and increase by 1. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** One or more statements, run in the migration transaction. */
  readonly sql: string;
}

/**
 * The state database's schema, in order. Append only: a released migration is
 * never edited, a change is a new entry. Kept as strings so they ship in the
 * build; `schema.sql` beside this file is the resulting schema, for review.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'curations, runs, history, object attributes',
    sql: `
CREATE TABLE curations (
  curation_type TEXT PRIMARY KEY,
  definition    TEXT NOT NULL CHECK (json_valid(definition)),
  version       INTEGER NOT NULL,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
) STRICT;

CREATE TABLE runs (
  execution_name TEXT PRIMARY KEY,
  curation_type  TEXT NOT NULL,
  status         TEXT NOT NULL,
  step           TEXT NOT NULL,
  "trigger"      TEXT NOT NULL,
  scheduled_time TEXT,
  attempt        INTEGER NOT NULL,
  created_at     TEXT NOT NULL,
  started_at     TEXT,
  updated_at     TEXT NOT NULL,
  lease_owner    TEXT,
  lease_until    TEXT,
  parameters     TEXT CHECK (parameters IS NULL OR json_valid(parameters)),
  context        TEXT NOT NULL CHECK (json_valid(context))
) STRICT;
CREATE INDEX runs_by_status ON runs (status, created_at);

-- The primary key also serves newest-first listing of one curation:
-- (curation_type, timestamp) is unique, so no tie-break column is needed.
CREATE TABLE history (
  curation_type  TEXT NOT NULL,
  timestamp      INTEGER NOT NULL,
  execution_name TEXT NOT NULL UNIQUE,
  status         TEXT NOT NULL,
  record         TEXT NOT NULL CHECK (json_valid(record)),
  PRIMARY KEY (curation_type, timestamp)
) STRICT;
CREATE INDEX history_newest ON history (timestamp, execution_name);
CREATE INDEX history_by_status ON history (status, timestamp, execution_name);
CREATE INDEX history_by_curation_status ON history (curation_type, status, timestamp, execution_name);

CREATE TABLE object_attributes (
  bucket   TEXT NOT NULL,
  key      TEXT NOT NULL,
  metadata TEXT NOT NULL CHECK (json_valid(metadata)),
  tags     TEXT NOT NULL CHECK (json_valid(tags)),
  PRIMARY KEY (bucket, key)
) STRICT;
`,
  },
  {
    version: 2,
    name: 'schedule ticks and cursors, run leases and cancel requests, workers, curation change log',
    sql: `
-- A tick is claimed once: the primary key refuses a second claim, and the
-- cursor (which only moves forward) refuses ticks someone already passed.
CREATE TABLE schedule_ticks (
  curation_type  TEXT NOT NULL,
  scheduled_time TEXT NOT NULL,
  execution_name TEXT NOT NULL,
  outcome        TEXT NOT NULL CHECK (outcome IN ('run', 'skipped')),
  claimed_by     TEXT NOT NULL,
  claimed_at     TEXT NOT NULL,
  PRIMARY KEY (curation_type, scheduled_time)
) STRICT;
CREATE INDEX schedule_ticks_by_claimed ON schedule_ticks (claimed_at);

CREATE TABLE schedule_cursors (
  curation_type TEXT PRIMARY KEY,
  last_tick     TEXT NOT NULL
) STRICT;

-- Leases live apart from runs: the engine saves whole run rows, so a lease
-- renewed in the runs row would be overwritten by the next step's save.
CREATE TABLE run_leases (
  execution_name TEXT PRIMARY KEY,
  owner          TEXT NOT NULL,
  lease_until    TEXT NOT NULL,
  claims         INTEGER NOT NULL
) STRICT;
CREATE INDEX run_leases_by_owner ON run_leases (owner);

CREATE TABLE run_cancel_requests (
  execution_name TEXT PRIMARY KEY,
  reason         TEXT NOT NULL,
  requested_at   TEXT NOT NULL
) STRICT;

CREATE INDEX runs_by_curation ON runs (curation_type, status, created_at);
-- Claim order: the oldest claimable run is found by walking this index, never by sorting every active run.
CREATE INDEX runs_claim_order ON runs (status, created_at, execution_name);

CREATE TABLE workers (
  worker_id    TEXT PRIMARY KEY,
  host         TEXT NOT NULL,
  pid          INTEGER NOT NULL,
  started_at   TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL,
  url          TEXT
) STRICT;

-- Every put or delete of a curation appends its type, so a scheduler learns
-- what changed with one indexed read instead of reloading every definition.
CREATE TABLE curation_changes (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  curation_type TEXT NOT NULL
) STRICT;
CREATE TRIGGER curations_changed_on_insert AFTER INSERT ON curations
BEGIN INSERT INTO curation_changes (curation_type) VALUES (NEW.curation_type); END;
CREATE TRIGGER curations_changed_on_update AFTER UPDATE ON curations
BEGIN INSERT INTO curation_changes (curation_type) VALUES (NEW.curation_type); END;
CREATE TRIGGER curations_changed_on_delete AFTER DELETE ON curations
BEGIN INSERT INTO curation_changes (curation_type) VALUES (OLD.curation_type); END;
`,
  },
  {
    version: 3,
    name: 'outbox, delivery groups, incidents',
    sql: `
-- Written in the same transaction as the history record an entry comes from.
-- seq is the delivery order (and the sink's @SequenceNumber); times that are
-- compared on every claim are epoch ms.
CREATE TABLE outbox (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  id              TEXT NOT NULL UNIQUE,
  destination_id  TEXT NOT NULL,
  destination     TEXT NOT NULL CHECK (json_valid(destination)),
  curation_type   TEXT NOT NULL,
  execution_name  TEXT,
  event           TEXT NOT NULL,
  payload         TEXT NOT NULL CHECK (json_valid(payload)),
  state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  delivered_at    INTEGER
) STRICT;
-- Claims walk the pending entries in seq order through this index.
CREATE INDEX outbox_by_state ON outbox (state, seq);
CREATE INDEX outbox_by_execution ON outbox (execution_name, state) WHERE execution_name IS NOT NULL;
CREATE INDEX outbox_delivered ON outbox (delivered_at) WHERE state = 'delivered';

-- One row per destination and curation: entries of a group go out in order,
-- claimed by one dispatcher at a time, and wait together after a failure.
CREATE TABLE outbox_groups (
  destination_id TEXT NOT NULL,
  curation_type  TEXT NOT NULL,
  not_before     INTEGER NOT NULL DEFAULT 0,
  lease_owner    TEXT,
  lease_until    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (destination_id, curation_type)
) STRICT, WITHOUT ROWID;

-- Open incidents (a run of failures, a long run, a missed tick, staleness)
-- and when each destination was last alerted about them.
CREATE TABLE incidents (
  curation_type TEXT NOT NULL,
  kind          TEXT NOT NULL,
  subject       TEXT NOT NULL,
  opened_at     TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  occurrences   INTEGER NOT NULL,
  alerts        TEXT NOT NULL CHECK (json_valid(alerts)),
  PRIMARY KEY (curation_type, kind, subject)
) STRICT;
`,
  },
  {
    version: 4,
    name: 'outbox entries keep the destination id and type, never its settings',
    sql: `
-- Older entries held the whole destination, secrets included; now its
-- settings are looked up by id in the config at delivery. The id column
-- already holds the id, so rows keep their delivery order and groups.
ALTER TABLE outbox ADD COLUMN destination_type TEXT NOT NULL DEFAULT '';
UPDATE outbox SET destination_type = coalesce(json_extract(destination, '$.type'), '');
ALTER TABLE outbox DROP COLUMN destination;
`,
  },
  {
    version: 5,
    name: 'history timeline: start minute, scheduled time, duration and its band as columns, a covering index by start',
    sql: `
-- The timeline groups the runs that started in a window by minute, status and
-- duration band in the index's own order, so a million runs are one pass
-- over one index (placed by scheduled time, they are sorted once more). The
-- band is durationBand() of domain/timeline.ts, written by the insert; the
-- CASE below only fills the records stored before this step.
ALTER TABLE history ADD COLUMN started_ms INTEGER;
ALTER TABLE history ADD COLUMN started_minute INTEGER;
ALTER TABLE history ADD COLUMN scheduled_ms INTEGER;
ALTER TABLE history ADD COLUMN duration_ms INTEGER;
ALTER TABLE history ADD COLUMN duration_band INTEGER;
UPDATE history SET
  started_ms = CAST(round(unixepoch(json_extract(record, '$.startedAt'), 'subsec') * 1000) AS INTEGER),
  scheduled_ms = CAST(round(unixepoch(json_extract(record, '$.scheduledTime'), 'subsec') * 1000) AS INTEGER),
  duration_ms = max(0, CAST(round(coalesce(json_extract(record, '$.durationMs'), 0)) AS INTEGER));
UPDATE history SET started_ms = timestamp - duration_ms WHERE started_ms IS NULL;
UPDATE history SET started_minute = started_ms / 60000, duration_band = CASE WHEN duration_ms < 10 THEN 0 WHEN duration_ms < 100 THEN 1 WHEN duration_ms < 1000 THEN 2 WHEN duration_ms < 10000 THEN 3 WHEN duration_ms < 100000 THEN 4 WHEN duration_ms < 1000000 THEN 5 WHEN duration_ms < 10000000 THEN 6 ELSE 7 END;
CREATE INDEX history_timeline ON history (started_minute, status, duration_band, duration_ms, started_ms, scheduled_ms, curation_type, execution_name);
`,
  },
];
