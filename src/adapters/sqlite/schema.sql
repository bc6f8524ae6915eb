-- Generated from MIGRATIONS (version 5); do not edit.
-- Regenerate: ADP_WRITE_SCHEMA=1 npx vitest run src/adapters/sqlite/migrations.test.ts

CREATE TABLE curation_changes (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  curation_type TEXT NOT NULL
) STRICT;

CREATE TABLE curations (
  curation_type TEXT PRIMARY KEY,
  definition    TEXT NOT NULL CHECK (json_valid(definition)),
  version       INTEGER NOT NULL,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
) STRICT;

CREATE TRIGGER curations_changed_on_delete AFTER DELETE ON curations
BEGIN INSERT INTO curation_changes (curation_type) VALUES (OLD.curation_type); END;

CREATE TRIGGER curations_changed_on_insert AFTER INSERT ON curations
BEGIN INSERT INTO curation_changes (curation_type) VALUES (NEW.curation_type); END;

CREATE TRIGGER curations_changed_on_update AFTER UPDATE ON curations
BEGIN INSERT INTO curation_changes (curation_type) VALUES (NEW.curation_type); END;

CREATE TABLE history (
  curation_type  TEXT NOT NULL,
  timestamp      INTEGER NOT NULL,
  execution_name TEXT NOT NULL UNIQUE,
  status         TEXT NOT NULL,
  record         TEXT NOT NULL CHECK (json_valid(record)), started_ms INTEGER, started_minute INTEGER, scheduled_ms INTEGER, duration_ms INTEGER, duration_band INTEGER,
  PRIMARY KEY (curation_type, timestamp)
) STRICT;

CREATE INDEX history_by_curation_status ON history (curation_type, status, timestamp, execution_name);

CREATE INDEX history_by_status ON history (status, timestamp, execution_name);

CREATE INDEX history_newest ON history (timestamp, execution_name);

CREATE INDEX history_timeline ON history (started_minute, status, duration_band, duration_ms, started_ms, scheduled_ms, curation_type, execution_name);

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

CREATE TABLE object_attributes (
  bucket   TEXT NOT NULL,
  key      TEXT NOT NULL,
  metadata TEXT NOT NULL CHECK (json_valid(metadata)),
  tags     TEXT NOT NULL CHECK (json_valid(tags)),
  PRIMARY KEY (bucket, key)
) STRICT;

CREATE TABLE outbox (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  id              TEXT NOT NULL UNIQUE,
  destination_id  TEXT NOT NULL,
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
, destination_type TEXT NOT NULL DEFAULT '') STRICT;

CREATE INDEX outbox_by_execution ON outbox (execution_name, state) WHERE execution_name IS NOT NULL;

CREATE INDEX outbox_by_state ON outbox (state, seq);

CREATE INDEX outbox_delivered ON outbox (delivered_at) WHERE state = 'delivered';

CREATE TABLE outbox_groups (
  destination_id TEXT NOT NULL,
  curation_type  TEXT NOT NULL,
  not_before     INTEGER NOT NULL DEFAULT 0,
  lease_owner    TEXT,
  lease_until    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (destination_id, curation_type)
) STRICT, WITHOUT ROWID;

CREATE TABLE run_cancel_requests (
  execution_name TEXT PRIMARY KEY,
  reason         TEXT NOT NULL,
  requested_at   TEXT NOT NULL
) STRICT;

CREATE TABLE run_leases (
  execution_name TEXT PRIMARY KEY,
  owner          TEXT NOT NULL,
  lease_until    TEXT NOT NULL,
  claims         INTEGER NOT NULL
) STRICT;

CREATE INDEX run_leases_by_owner ON run_leases (owner);

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

CREATE INDEX runs_by_curation ON runs (curation_type, status, created_at);

CREATE INDEX runs_by_status ON runs (status, created_at);

CREATE INDEX runs_claim_order ON runs (status, created_at, execution_name);

CREATE TABLE schedule_cursors (
  curation_type TEXT PRIMARY KEY,
  last_tick     TEXT NOT NULL
) STRICT;

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

CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;

CREATE TABLE sqlite_sequence(name,seq);

CREATE TABLE workers (
  worker_id    TEXT PRIMARY KEY,
  host         TEXT NOT NULL,
  pid          INTEGER NOT NULL,
  started_at   TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL,
  url          TEXT
) STRICT;
