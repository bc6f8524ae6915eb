-- Generated from MIGRATIONS (version 1); do not edit.
-- Regenerate: ADP_WRITE_SCHEMA=1 npx vitest run src/adapters/sqlite/migrations.test.ts

CREATE TABLE curations (
  curation_type TEXT PRIMARY KEY,
  definition    TEXT NOT NULL CHECK (json_valid(definition)),
  version       INTEGER NOT NULL,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
) STRICT;

CREATE TABLE history (
  curation_type  TEXT NOT NULL,
  timestamp      INTEGER NOT NULL,
  execution_name TEXT NOT NULL UNIQUE,
  status         TEXT NOT NULL,
  record         TEXT NOT NULL CHECK (json_valid(record)),
  PRIMARY KEY (curation_type, timestamp)
) STRICT;

CREATE INDEX history_by_curation_status ON history (curation_type, status, timestamp, execution_name);

CREATE INDEX history_by_status ON history (status, timestamp, execution_name);

CREATE INDEX history_newest ON history (timestamp, execution_name);

CREATE TABLE object_attributes (
  bucket   TEXT NOT NULL,
  key      TEXT NOT NULL,
  metadata TEXT NOT NULL CHECK (json_valid(metadata)),
  tags     TEXT NOT NULL CHECK (json_valid(tags)),
  PRIMARY KEY (bucket, key)
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

CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;
